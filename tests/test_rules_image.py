"""`image-` rules on a multi-kind, multi-container file: the exact findings, whole."""

from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import image

SHA = "sha256:" + "ab" * 32

TEXT = f"""\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  initContainers:
    - name: init
      image: busybox
  containers:
    - name: shell
      image: ghcr.io/acme/toolbox:latest
  ephemeralContainers:
    - name: dbg
      image: localhost:5000/dbg:1.0
---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: rs
spec:
  template:
    spec:
      containers:
        - name: a
          image: ghcr.io/acme/a:v1.2.3@{SHA}
        - name: b
          image: ghcr.io/acme/B:1.0.0
        - name: no-image
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: rc
  namespace: shop
spec:
  template:
    spec:
      containers:
        - name: c
          image: ghcr.io/acme/c:latest@{SHA}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
  namespace: shop
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: job
              image: localhost:5000/job@{SHA}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: not-a-workload
data:
  image: nginx
"""

POD = Resource("Pod", "debug", "shop")
RS = Resource("ReplicaSet", "rs", None)
RC = Resource("ReplicationController", "rc", "shop")
CRON = Resource("CronJob", "nightly", "shop")


def run(rule_id, ctx):
    manifests = load_manifests(TEXT, "all.yaml")
    (entry,) = [r for r in image.RULES if r.rule.id == rule_id]
    return list(entry.check(manifests, ctx)), entry.applies(ctx)


def finding(rule_id, line, message, resource):
    column = {POD: 7, RS: 11, RC: 11, CRON: 15}[resource]
    return Finding(
        rule_id, Severity.ERROR, message, Position("all.yaml", line, column), resource, "prod"
    )


def test_tag_required():
    findings, applies = run("image-tag-required", RuleContext("1.31", environment="prod"))
    assert applies
    assert findings == [
        finding(
            "image-tag-required",
            9,
            "container 'init' image 'busybox' has no tag or digest and runs whatever 'latest' "
            "is at pull time; pin a version or a digest",
            POD,
        ),
        finding(
            "image-tag-required",
            28,
            "container 'b' image 'ghcr.io/acme/B:1.0.0' is not a valid image reference "
            "(repository part 'B' is not lower-case letters and digits separated by '.', '_', "
            "'__' or '-'); write it as [registry/]repository:tag or with @sha256:<digest>",
            RS,
        ),
    ]


def test_tag_latest():
    findings, applies = run("image-tag-latest", RuleContext("1.31", environment="prod"))
    assert applies
    assert findings == [
        finding(
            "image-tag-latest",
            12,
            "container 'shell' image 'ghcr.io/acme/toolbox:latest' is mutable; "
            "pin a version or a digest",
            POD,
        ),
    ]


def test_policy_semver():
    ctx = RuleContext("1.31", image_policy="semver", environment="prod")
    findings, applies = run("image-policy-semver", ctx)
    assert applies
    hint = (
        "(imagePolicy semver); tag a version like 1.4.2 or v1.4.2, optionally with @sha256:<digest>"
    )
    assert findings == [
        finding(
            "image-policy-semver", 9, f"container 'init' image 'busybox' has no tag {hint}", POD
        ),
        finding(
            "image-policy-semver",
            12,
            f"container 'shell' image 'ghcr.io/acme/toolbox:latest' tag 'latest' is not a SemVer "
            f"version {hint}",
            POD,
        ),
        finding(
            "image-policy-semver",
            15,
            f"container 'dbg' image 'localhost:5000/dbg:1.0' tag '1.0' is not a SemVer "
            f"version {hint}",
            POD,
        ),
        finding(
            "image-policy-semver",
            41,
            f"container 'c' image 'ghcr.io/acme/c:latest@{SHA}' tag 'latest' is not a SemVer "
            f"version {hint}",
            RC,
        ),
        finding(
            "image-policy-semver",
            55,
            f"container 'job' image 'localhost:5000/job@{SHA}' has no tag {hint}",
            CRON,
        ),
    ]


def test_policy_digest():
    ctx = RuleContext("1.31", image_policy="digest", environment="prod")
    findings, applies = run("image-policy-digest", ctx)
    assert applies
    hint = (
        "is not pinned by a sha256 digest (imagePolicy digest); "
        "append @sha256:<64 lowercase hex> of the image to deploy"
    )
    assert findings == [
        finding("image-policy-digest", 9, f"container 'init' image 'busybox' {hint}", POD),
        finding(
            "image-policy-digest",
            12,
            f"container 'shell' image 'ghcr.io/acme/toolbox:latest' {hint}",
            POD,
        ),
        finding(
            "image-policy-digest", 15, f"container 'dbg' image 'localhost:5000/dbg:1.0' {hint}", POD
        ),
    ]


def test_policy_rules_apply_only_to_their_policy():
    verdicts = {
        (entry.rule.id, policy): entry.applies(RuleContext("1.31", image_policy=policy))
        for entry in image.RULES
        for policy in (None, "tag", "semver", "digest")
    }
    assert verdicts == {
        ("image-tag-required", None): True,
        ("image-tag-required", "tag"): True,
        ("image-tag-required", "semver"): True,
        ("image-tag-required", "digest"): True,
        ("image-tag-latest", None): True,
        ("image-tag-latest", "tag"): True,
        ("image-tag-latest", "semver"): True,
        ("image-tag-latest", "digest"): True,
        ("image-policy-semver", None): False,
        ("image-policy-semver", "tag"): False,
        ("image-policy-semver", "semver"): True,
        ("image-policy-semver", "digest"): False,
        ("image-policy-digest", None): False,
        ("image-policy-digest", "tag"): False,
        ("image-policy-digest", "semver"): False,
        ("image-policy-digest", "digest"): True,
    }

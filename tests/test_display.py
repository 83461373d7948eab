"""How messages show values, objects and containers: YAML spellings, `(no name)`, and one
name per container."""

from generator.k8s.display import container_name, named, show
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import MANIFEST_RULES


def test_show_spells_values_as_yaml():
    assert [show(v) for v in (None, True, False, 0, 1.5, "x", [None, "a"], {"k": None})] == [
        "null",
        "true",
        "false",
        "0",
        "1.5",
        "'x'",
        "[null, 'a']",
        "{k: null}",
    ]


def test_named_objects_and_objects_without_a_name():
    assert named("Deployment", "web") == "Deployment web"
    assert named("Secret", "db", quoted=True) == "Secret 'db'"
    assert named("Deployment", "") == "Deployment (no name)"
    assert named("Secret", None, quoted=True) == "Secret (no name)"
    assert named("", None) == "object (no name)"


def test_container_names_fall_back_to_their_place():
    assert container_name({"name": "web"}, "containers", 0) == "web"
    assert container_name({}, "containers", 1) == "containers[1]"
    assert container_name({"name": None}, "initContainers", 0) == "initContainers[0]"
    assert container_name({"name": ""}, "ephemeralContainers", 2) == "ephemeralContainers[2]"


UNNAMED = """\
apiVersion: apps/v1
kind: Deployment
metadata: {}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec:
      containers:
        - image: x:1
          ports: [{name: http, containerPort: 80}]
---
apiVersion: v1
kind: Secret
metadata: {}
stringData: {token: x}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: team}
roleRef: {kind: ClusterRole, name: null}
subjects: [{kind: Group, name: null}]
"""


def test_messages_name_unnamed_objects_and_containers_and_show_nulls():
    ctx = RuleContext("1.31", access={})
    ids = {
        "workload-probes",
        "workload-liveness-probe",
        "secrets-plaintext-secret",
        "rbac-access",
        "rbac-default-service-account",
    }
    manifests = load_manifests(UNNAMED, "m.yaml")
    found = [
        f.message
        for entry in MANIFEST_RULES
        if entry.rule.id in ids
        for f in entry.check(manifests, ctx)
    ]
    assert found == [
        "container 'containers[0]' of Deployment (no name) serves a port but has no "
        "readinessProbe; add one so traffic reaches only ready pods",
        "container 'containers[0]' of Deployment (no name) has no livenessProbe; add one so a "
        "hung process is restarted",
        "Secret (no name) carries 'token' in plain text under 'stringData' (base64 is not "
        "encryption); keep the values in the secret store and use an ExternalSecret",
        "RoleBinding team binds group null to null, but the catalog does not name it; change "
        "the environment's access in the catalog instead",
        "Deployment (no name) sets no serviceAccountName and runs as the namespace's 'default' "
        "ServiceAccount; create a ServiceAccount for it and set serviceAccountName",
    ]

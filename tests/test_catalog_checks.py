"""Catalog checks on small catalogs: whole findings (rule, line, column, message)."""

from generator.catalog.build import build_catalog
from generator.catalog.load import catalog_findings, rendered_findings
from generator.catalog.model import Probe
from generator.yamlio import load_located

BASE = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://github.com/example/gitops.git
clusters:
  nonprod:
    server: https://nonprod.k8s.example.com
    kubernetesVersion: "1.31"
teams:
  shop:
    groups: [example:shop-devs]
defaults:
  probes:
    readiness: {path: /ready, periodSeconds: 5}
environments:
  dev:
    cluster: nonprod
    namespace: dev
    host: "{app}-dev.example.com"
  prod:
    cluster: nonprod
    namespace: prod
    minReplicas: 2
apps:
  web:
    team: shop
    image: ghcr.io/example/web
    port: 8080
"""


def findings(text):
    doc = load_located(text, "catalog.yaml")
    return [(f.rule, f.line, f.column, f.message) for f in catalog_findings(doc)]


def loaded_findings(text):
    """The loader's findings: the catalog's, then (when it is valid) those on what it renders."""
    doc = load_located(text, "catalog.yaml")
    found = catalog_findings(doc) or rendered_findings(doc, build_catalog(doc))
    return [(f.rule, f.line, f.column, f.message) for f in found]


def test_an_apps_probe_mode_replaces_the_default_one():
    text = BASE + (
        "    probes:\n"
        "      readiness: {grpc: true}\n"
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      prod: {version: 1.0.0, replicas: 2}\n"
    )
    assert findings(text) == []
    (app,) = build_catalog(load_located(text, "catalog.yaml")).apps
    assert app.probes == {"readiness": Probe("grpc", None, (), None, {"periodSeconds": 5})}


def test_a_probe_with_two_modes():
    text = BASE + (
        "    probes:\n"
        "      readiness: {grpc: true, tcp: true}\n"
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      prod: {version: 1.0.0, replicas: 2}\n"
    )
    assert findings(text) == [
        (
            "catalog-probe",
            30,
            7,
            "readiness probe of app 'web' sets grpc and tcp; set exactly one of path, grpc, tcp "
            "and command",
        )
    ]


def test_autoscaling_merges_before_min_and_max_are_compared():
    text = BASE + (
        "    autoscaling: {minReplicas: 5, maxReplicas: 10}\n"
        "    environments:\n"
        "      dev:\n"
        "        version: 1.0.0\n"
        "        autoscaling: {maxReplicas: 3}\n"
        "      prod: {version: 1.0.0}\n"
    )
    assert findings(text) == [
        (
            "catalog-autoscaling",
            33,
            36,
            "autoscaling of app 'web' in 'dev' has minReplicas 5 (from "
            "`apps.web.autoscaling.minReplicas`) above maxReplicas 3; raise maxReplicas or lower "
            "minReplicas",
        )
    ]


def test_autoscaling_in_defaults():
    text = BASE.replace(
        "defaults:\n", "defaults:\n  autoscaling: {minReplicas: 3, maxReplicas: 2}\n"
    ) + ("    environments:\n      dev: {version: 1.0.0}\n      prod: {version: 1.0.0}\n")
    assert findings(text) == [
        (
            "catalog-autoscaling",
            13,
            30,
            "autoscaling of the defaults has minReplicas 3 above maxReplicas 2; raise "
            "maxReplicas or lower minReplicas",
        )
    ]


def test_min_replicas_reads_the_merged_autoscaling():
    text = BASE + (
        "    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}\n"
        "    probes: {readiness: {path: /ready}, liveness: {path: /live}}\n"
        "    autoscaling: {minReplicas: 3, maxReplicas: 10}\n"
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      prod:\n"
        "        version: 1.0.0\n"
        "        autoscaling: {maxReplicas: 20}\n"
    )
    assert loaded_findings(text) == []
    below = text.replace("{minReplicas: 3, maxReplicas: 10}", "{minReplicas: 1, maxReplicas: 10}")
    assert loaded_findings(below) == [
        (
            "workload-min-replicas",
            36,
            9,
            "in 'prod': HorizontalPodAutoscaler web scales Deployment web down to 1 replica, below "
            "the environment's minimum of 2; set spec.minReplicas to at least 2",
        )
    ]


def test_a_disabled_app_claims_no_application_name():
    text = BASE.replace(
        "  prod:\n", "  dev-eu:\n    cluster: nonprod\n    namespace: dev-eu\n  prod:\n"
    )
    text += (
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      dev-eu: {version: 1.0.0}\n"
        "      prod: {version: 1.0.0, replicas: 2}\n"
        "  eu-web:\n"
        "    team: shop\n"
        "    image: ghcr.io/example/eu-web\n"
        "    port: 8080\n"
        "    environments:\n"
        "      dev: {enabled: false}\n"
        "      dev-eu: {enabled: false}\n"
        "      prod: {version: 1.0.0, replicas: 2}\n"
    )
    assert findings(text) == []
    enabled = text.replace("      dev: {enabled: false}\n", "      dev: {version: 1.0.0}\n")
    assert findings(enabled) == [
        (
            "catalog-name-collision",
            34,
            7,
            "app 'web' in 'dev-eu' and app 'eu-web' in 'dev' would both be named 'dev-eu-web' in "
            "Argo CD; rename the app or the environment",
        )
    ]


def test_unbalanced_host_template_says_how_to_write_placeholders():
    text = BASE.replace('"{app}-dev.example.com"', '"{app-dev.example.com"') + (
        "    ingress: {path: /}\n"
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      prod: {enabled: false}\n"
    )
    assert findings(text) == [
        (
            "catalog-host-template",
            19,
            11,
            "host template '{app-dev.example.com' has an unbalanced '{' or '}'; write "
            "placeholders as {app} and {env}",
        )
    ]


def test_suppression_of_an_unknown_rule():
    text = BASE + (
        "    suppress:\n"
        "      - {rule: image-tag-lates, reason: rebuilt on every push}\n"
        "      - {rule: no-such-rule, reason: why not}\n"
        "      - {rule: image-tag-latest, reason: rebuilt on every push, environments: [qa]}\n"
        "    environments:\n"
        "      dev: {version: 1.0.0}\n"
        "      prod: {version: 1.0.0, replicas: 2}\n"
    )
    assert findings(text) == [
        (
            "catalog-suppression",
            30,
            16,
            "app 'web' suppresses unknown rule 'image-tag-lates', which silences nothing; did you "
            "mean 'image-tag-latest'?",
        ),
        (
            "catalog-suppression",
            31,
            16,
            "app 'web' suppresses unknown rule 'no-such-rule', which silences nothing; "
            "`gitopsgen rules` lists the rule ids",
        ),
        (
            "catalog-unknown-reference",
            32,
            80,
            "unknown environment 'qa'; define it under `environments` or use one of: dev, prod",
        ),
    ]


def test_an_environment_named_like_a_clusters_root_project_collides():
    from generator.catalog.load import catalog_findings
    from generator.yamlio import load_located

    text = (
        "apiVersion: gitopsgen/v1\nkind: Catalog\nrepository: {url: https://git.example.com/x.git}\n"
        'clusters:\n  main: {server: https://k.example.com, kubernetesVersion: "1.31"}\n'
        "teams:\n  t: {groups: [g]}\n"
        "environments:\n  root-main: {cluster: main, namespace: ns}\n"
        "apps: {}\n"
    )
    found = [
        (f.line, f.rule, f.message) for f in catalog_findings(load_located(text, "catalog.yaml"))
    ]
    assert found == [
        (
            5,
            "catalog-name-collision",
            "the root project of cluster 'main' and the project of environment 'root-main' would "
            "both be named 'root-main' in Argo CD; rename the app or the environment",
        )
    ]


def test_a_negative_quantity_is_refused():
    from generator.catalog.load import catalog_findings
    from generator.yamlio import load_located

    text = (
        "apiVersion: gitopsgen/v1\nkind: Catalog\nrepository: {url: https://git.example.com/x.git}\n"
        'clusters:\n  main: {server: https://k.example.com, kubernetesVersion: "1.31"}\n'
        "teams:\n  t: {groups: [g]}\n"
        "environments:\n  dev: {cluster: main, namespace: ns, quota: {pods: -1}}\n"
        "apps: {}\n"
    )
    found = [
        (f.line, f.column, f.rule, f.message)
        for f in catalog_findings(load_located(text, "catalog.yaml"))
    ]
    assert found == [
        (9, 53, "catalog-schema", "`environments.dev.quota.pods` is -1; it must be at least 0"),
    ]

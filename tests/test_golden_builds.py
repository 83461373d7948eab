"""Every golden case as a repository: each overlay folder of its tree builds with the pinned
Kustomize, `validate` finds nothing (the Kubernetes schemas of the cluster's version
included), and the patches are exact: what Kustomize builds for an (app, environment) is
what the renderer computes for that environment, after the kustomization's namespace,
labels, images, replicas and ConfigMap hash."""

import copy
import re
from pathlib import Path

import pytest
import yaml

from generator import constants as c
from generator import kustomize
from generator.api import Repository, generate
from generator.render.base import objects
from generator.render.overlay import image_entries, scaled, site
from generator.render.workload import config_map_name
from generator.validate.repository import validate
from tests.helpers import case_repo, chart_unavailable
from tests.test_golden import CASES

TEMPLATED = ("Deployment", "StatefulSet", "DaemonSet", "Job")
# The findings of each case (none unless listed): the example case keeps the probes its
# catalog lacks on purpose (tests/test_validate.py shows the same findings on the CLI).
# Warnings only: what the catalogs relax on purpose, the example's missing liveness probe, and
# ConfigMaps and Secrets the catalogs take from outside the tree.
READ_ONLY_ROOT = (
    "container 'legacy-shop' of Deployment legacy-shop has a writable root filesystem; set "
    "securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes; "
    "catalog entry: "
)
ABSENT = (
    "which is not in this set; the pod does not start until it exists: add {make}, or mark the "
    "reference optional: true (a warning: it may be created elsewhere); catalog entry: "
)
# The catalogs take a broker's Secret and mount a ConfigMap and a Secret that something else
# owns (workload-config-reference says so; the pods start once those exist).
BROKER = "env var 'BROKER_PASSWORD' of Deployment {app} takes Secret 'rabbitmq', " + ABSENT.format(
    make="an ExternalSecret for it"
)
GRAFANA = "https://grafana.github.io/helm-charts"
PODINFO = "oci://ghcr.io/stefanprodan/charts"
JETSTACK = "https://charts.jetstack.io"
# The cases' charts are public ones the tests do not vendor: offline, each chart version is
# one warning, and what it renders is not checked.
FINDINGS = {
    "charts": [
        chart_unavailable(70, "grafana", "8.10.1", GRAFANA, "dev"),
        chart_unavailable(75, "grafana", "8.9.0", GRAFANA, "prod"),
        chart_unavailable(85, "podinfo", "6.7.1", PODINFO, "dev, staging"),
        chart_unavailable(87, "podinfo", "6.7.0", PODINFO, "prod"),
    ],
    "addons": [
        chart_unavailable(
            16,
            "ingress-nginx",
            "4.12.1",
            "https://kubernetes.github.io/ingress-nginx",
            "cluster nonprod",
        ),
        chart_unavailable(22, "cert-manager", "v1.17.1", JETSTACK, "cluster nonprod"),
        chart_unavailable(35, "cert-manager", "v1.16.3", JETSTACK, "cluster prod"),
        chart_unavailable(
            41,
            "external-secrets",
            "0.16.1",
            "oci://ghcr.io/external-secrets/charts",
            "cluster prod",
        ),
        chart_unavailable(
            46,
            "kube-prometheus-stack",
            "70.4.2",
            "https://prometheus-community.github.io/helm-charts",
            "cluster prod",
        ),
    ],
    "example": [
        (
            "workload-liveness-probe",
            "warning",
            "base/ledger/deployment.yaml",
            31,
            "container 'ledger' of Deployment ledger has no livenessProbe; add one so a hung "
            "process is restarted; catalog entry: catalog.yaml:168:3",
        ),
    ],
    "containers": [
        (
            "workload-config-reference",
            "warning",
            "base/orders/deployment.yaml",
            82,
            "container 'orders' " + BROKER.format(app="orders") + "catalog.yaml:37:3",
        ),
    ],
    "daemonset": [
        (
            "workload-config-reference",
            "warning",
            "base/log-agent/daemonset.yaml",
            82,
            "volume 'etc-log-agent' of DaemonSet log-agent takes ConfigMap 'log-agent-config', "
            + ABSENT.format(make="it")
            + "catalog.yaml:26:3",
        ),
    ],
    "everything": [
        (
            "workload-read-only-root-filesystem",
            "warning",
            "base/legacy-shop/deployment.yaml",
            68,
            READ_ONLY_ROOT + "catalog.yaml:282:3",
        ),
        (
            "workload-config-reference",
            "warning",
            "base/worker/deployment.yaml",
            66,
            "container 'worker' " + BROKER.format(app="worker") + "catalog.yaml:187:3",
        ),
    ],
    "platform-shape": [
        (
            "workload-config-reference",
            "warning",
            "base/legacy-shop/deployment.yaml",
            91,
            "volume 'etc-legacy-shop' of Deployment legacy-shop takes ConfigMap "
            "'legacy-shop-settings', " + ABSENT.format(make="it") + "catalog.yaml:44:3",
        ),
        (
            "workload-config-reference",
            "warning",
            "base/legacy-shop/deployment.yaml",
            94,
            "volume 'etc-legacy-shop-tls' of Deployment legacy-shop takes Secret "
            "'legacy-shop-client-cert', "
            + ABSENT.format(make="an ExternalSecret for it")
            + "catalog.yaml:44:3",
        ),
        (
            "workload-read-only-root-filesystem",
            "warning",
            "overlays/dev/legacy-shop/deployment-patch.yaml",
            19,
            READ_ONLY_ROOT + "catalog.yaml:77:7",
        ),
    ],
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """case -> (catalog, {overlay folder: built documents}); each case generated once."""
    cache = {}

    def build(case):
        if case not in cache:
            root = case_repo(tmp_path_factory.mktemp(case), case)
            result = generate(Repository.at(root))
            folders = sorted(
                {str(Path(p).parent) for p in result.tree if p.startswith(f"{c.OVERLAYS_DIR}/")}
            )
            builds = kustomize.build_all([root / f for f in folders])
            failed = [(f, b.error) for f, b in zip(folders, builds, strict=True) if not b.ok]
            assert failed == []
            documents = {
                f: [d for d in yaml.safe_load_all(b.output) if d]
                for f, b in zip(folders, builds, strict=True)
            }
            cache[case] = (root, result.catalog, documents)
        return cache[case]

    return build


@pytest.mark.parametrize("case", CASES)
def test_every_overlay_builds(case, built):
    root, catalog, documents = built(case)
    expected = {f"{c.OVERLAYS_DIR}/{e.name}/{c.NAMESPACE_DIR}" for e in catalog.environments} | {
        f"{c.OVERLAYS_DIR}/{d.environment}/{a.name}"
        for a in catalog.apps
        for d in a.deployments
        if d.enabled and a.chart is None  # Argo CD renders a chart app: no overlay
    }
    on_disk = {p.parent.relative_to(root).as_posix() for p in root.glob("overlays/*/*/*.yaml")}
    assert sorted(documents) == sorted(expected) == sorted(on_disk)
    assert all(documents.values())


@pytest.mark.parametrize("case", CASES)
def test_validate_finds_nothing(case, built):
    root, _, _ = built(case)
    result = validate(Repository.at(root)).result
    findings = [(f.rule, f.severity.value, f.path, f.line, f.message) for f in result.findings]
    assert findings == FINDINGS.get(case, [])
    assert result.exit_code == 0


def _pod_template(obj):
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        return spec["jobTemplate"]["spec"]["template"]
    return spec["template"]


def _set_images(pod_spec, entries):
    by_name = {e["name"]: e for e in entries}
    for field in ("initContainers", "containers"):
        for container in pod_spec.get(field, []):
            entry = by_name[container["image"]]
            reference = entry["name"]
            if "newTag" in entry:
                reference += f":{entry['newTag']}"
            if "digest" in entry:
                reference += f"@{entry['digest']}"
            container["image"] = reference


def expected_objects(app, env, catalog):
    """The renderer's objects of (app, env), as the overlay's kustomization transforms them."""
    deployment = app.deployment(env.name)
    rendered = copy.deepcopy(objects(app, deployment.values, site(app, env, catalog)))
    environment = {c.LABEL_ENVIRONMENT: env.name}
    result = {}
    for obj in rendered.values():
        obj["metadata"]["namespace"] = env.namespace
        obj["metadata"]["labels"] = {**obj["metadata"].get("labels", {}), **environment}
        if obj["kind"] == "CronJob":
            job = obj["spec"]["jobTemplate"]
            job.setdefault("metadata", {}).setdefault("labels", {}).update(environment)
        if obj["kind"] in (*TEMPLATED, "CronJob"):
            template = _pod_template(obj)
            template["metadata"]["labels"].update(environment)
            _set_images(template["spec"], image_entries(app, deployment))
        if obj["kind"] == "StatefulSet":
            for claim in obj["spec"].get("volumeClaimTemplates", []):
                claim["metadata"]["labels"].update(environment)
        if obj["kind"] == app.kind and scaled(app) and deployment.values.autoscaling is None:
            obj["spec"]["replicas"] = deployment.values.replicas
        result[(obj["kind"], obj["metadata"]["name"])] = obj
    return result


def _unhashed(obj, app):
    """The object with the generated ConfigMap's hash suffix taken off its references."""
    name = config_map_name(app)
    text = yaml.safe_dump(obj, sort_keys=True)
    return yaml.safe_load(re.sub(rf"\b{re.escape(name)}-[a-z0-9]{{10}}\b", name, text))


def _pod_parts(obj):
    spec = _pod_template(obj)["spec"]
    parts = {k: spec.get(k) for k in ("initContainers", "containers", "volumes")}
    parts["securityContext"] = spec.get("securityContext")
    return parts


def pairs():
    found = []
    for case in CASES:
        text = (Path(__file__).parent / "golden" / case / "catalog.yaml").read_text()
        data = yaml.safe_load(text)
        for app, spec in sorted(data["apps"].items()):
            if "chart" in spec:  # no overlay to compare: Argo CD renders the chart
                continue
            for env, values in spec["environments"].items():
                if values.get("enabled", True) is not False:
                    found.append((case, app, env))
    return found


@pytest.mark.parametrize(("case", "app_name", "env_name"), pairs())
def test_patches_are_exact(case, app_name, env_name, built):
    _, catalog, documents = built(case)
    app = catalog.app(app_name)
    env = catalog.environment(env_name)
    unhashed = [_unhashed(d, app) for d in documents[f"{c.OVERLAYS_DIR}/{env.name}/{app.name}"]]
    got = {(d["kind"], d["metadata"]["name"]): d for d in unhashed}
    config = got.pop(("ConfigMap", config_map_name(app)), None)
    # The generated ConfigMap holds the environment's config, base and merge together.
    assert (config or {}).get("data") == (dict(app.deployment(env.name).values.config) or None)
    want = expected_objects(app, env, catalog)
    workload = (app.kind, app.name)
    assert workload in got
    if app.deployment(env.name).values.components:
        # Hand-owned components change what the catalog does not model: the containers,
        # volumes and security context of the pod are still the renderer's.
        assert _pod_parts(got[workload]) == _pod_parts(want[workload])
        return
    for key, obj in want.items():
        assert got[key] == obj, key
    # Besides the renderer's objects, an overlay adds only the HorizontalPodAutoscaler and
    # the PodDisruptionBudget.
    extra = sorted(k for k in got if k not in want)
    allowed = [("HorizontalPodAutoscaler", app.name), ("PodDisruptionBudget", app.name)]
    assert [k for k in extra if k not in allowed] == []


def test_pairs_cover_every_case():
    assert sorted({case for case, _, _ in pairs()}) == CASES

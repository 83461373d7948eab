"""Real applications: a catalog for each of Online Boutique, Sock Shop and the voting app
(tests/realapps/<app>.catalog.yaml) generates a tree whose every overlay builds with the
pinned Kustomize and runs what upstream runs, object by object: per workload its kind and
per container the image, command, args, env names, container ports, user, group,
capabilities and volume mounts, and per Service its type and ports. Where the generated tree
differs from upstream on purpose (safer defaults, stores on persistent volumes), the
difference is listed below with why; anything else fails. Every environment's tree then
validates with no finding at its Pod Security level.

The upstream manifests are read, unmodified, from `shared/realapps/` beside the checkout
(or $GITOPSGEN_REALAPPS); without them the tests skip.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator import kustomize
from generator.api import Repository, generate
from generator.validate.repository import validate
from tests.helpers import ROOT, make_repo

REALAPPS = Path(os.environ.get("GITOPSGEN_REALAPPS") or ROOT.parent / "shared" / "realapps")
CATALOGS = ROOT / "tests" / "realapps"
APPS = ("online-boutique", "sock-shop", "voting-app")
ENVIRONMENTS = ("dev", "staging", "prod")

POD_KINDS = ("Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob")
ABSENT = "<absent>"  # a key one side does not have


@dataclass(frozen=True)
class Change:
    """One deliberate difference: the value at `at` is `upstream` upstream and `ours` here."""

    at: tuple[Any, ...]
    upstream: Any
    ours: Any
    why: str


# Differences every app has, applied by `expected` to whatever upstream object they fit.
RULES = {
    "app-container-name": "the app's own (first) container is named after the app",
    "tmp-emptydir": "the root filesystem is read-only: every container mounts an emptyDir at /tmp",
    "port-names": "every port has a name (probes and Services name ports): upstream's Service "
    "port name for an unnamed container port, else http",
    "default-user": "a pod that names no user runs as 65532:65532, never as the image's own "
    "(possibly root) user",
}

# Online Boutique's manifests name skaffold build placeholders; the catalog runs the release.
RELEASED = {
    "online-boutique": "us-central1-docker.pkg.dev/google-samples/microservices-demo/{}:v0.10.5"
}

STORE = "a store keeps its data on a persistent volume: a StatefulSet, not a Deployment"
NO_ROOT = "restricted Pod Security refuses root and added capabilities but NET_BIND_SERVICE"
PINNED = "upstream's image has no tag (latest), which no environment allows: pinned"


def store(
    name: str,
    *,
    user: int,
    group: int,
    data: str,
    pinned: str | None = None,
    caps: list[str] | None = None,
) -> list[Change]:
    """A database that upstream runs as root in a Deployment: a StatefulSet on a volume, as the
    image's own database user, without the capabilities its entrypoint uses to become it."""
    container = ("containers", name)
    return [
        Change(("kind",), "Deployment", "StatefulSet", STORE),
        Change((*container, "mounts", data), ABSENT, "persistentVolumeClaim", STORE),
        Change((*container, "runAsUser"), None, user, f"{NO_ROOT}: the image's user {user}"),
        Change((*container, "runAsGroup"), None, group, f"{NO_ROOT}: the image's group {group}"),
        Change(("fsGroup",), None, group, "the volume is writable by the database's group"),
        *([Change((*container, "capabilities"), caps, [], NO_ROOT)] if caps else []),
        *([Change((*container, "image"), pinned.split(":")[0], pinned, PINNED)] if pinned else []),
    ]


def binds_80(name: str) -> list[Change]:
    """A web server that upstream runs as root on :80."""
    return [
        Change(("containers", name, "runAsUser"), None, 10001, f"{NO_ROOT}: a non-root uid"),
        Change(
            ("containers", name, "capabilities"),
            [],
            ["NET_BIND_SERVICE"],
            "binding :80 as non-root needs NET_BIND_SERVICE (restricted allows it)",
        ),
    ]


ENTRYPOINT_CAPS = ["CHOWN", "SETGID", "SETUID"]
DIFFERENCES: dict[str, dict[str, list[Change]]] = {
    "online-boutique": {
        "redis-cart": [
            Change(("kind",), "Deployment", "StatefulSet", STORE),
            Change(
                ("containers", "redis", "mounts", "/data"),
                "emptyDir",
                "persistentVolumeClaim",
                STORE,
            ),
        ],
    },
    "sock-shop": {
        "carts-db": store(
            "carts-db",
            user=999,
            group=999,
            data="/data/db",
            pinned="mongo:3.4",
            caps=ENTRYPOINT_CAPS,
        ),
        "orders-db": store(
            "orders-db",
            user=999,
            group=999,
            data="/data/db",
            pinned="mongo:3.4",
            caps=ENTRYPOINT_CAPS,
        ),
        "user-db": store(
            "user-db", user=999, group=999, data="/data/db-users", caps=ENTRYPOINT_CAPS
        ),
        "session-db": store("session-db", user=999, group=1000, data="/data", caps=ENTRYPOINT_CAPS),
        "catalogue-db": [
            *store("catalogue-db", user=999, group=999, data="/var/lib/mysql"),
            Change(
                ("containers", "catalogue-db", "mounts", "/var/run/mysqld"),
                ABSENT,
                "emptyDir",
                "mysqld writes its socket and pid file there (read-only root)",
            ),
        ],
        "rabbitmq": [
            *store(
                "rabbitmq",
                user=999,
                group=999,
                data="/var/lib/rabbitmq",
                caps=["CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID"],
            ),
            Change(
                ("containers", "rabbitmq-exporter", "image"),
                "kbudde/rabbitmq-exporter",
                "kbudde/rabbitmq-exporter:v0.29.0",
                PINNED,
            ),
            Change(
                ("containers", "rabbitmq-exporter", "runAsUser"),
                None,
                999,
                "a sidecar runs as its pod's user",
            ),
            Change(
                ("containers", "rabbitmq-exporter", "runAsGroup"),
                None,
                999,
                "a sidecar runs as its pod's group",
            ),
        ],
        "queue-master": binds_80("queue-master"),
    },
    "voting-app": {
        "db": [
            Change(("kind",), "Deployment", "StatefulSet", STORE),
            Change(
                ("containers", "postgres", "mounts", "/var/lib/postgresql/data"),
                "emptyDir",
                "persistentVolumeClaim",
                STORE,
            ),
            Change(
                ("containers", "postgres", "mounts", "/var/run/postgresql"),
                ABSENT,
                "emptyDir",
                "postgres writes its socket there (read-only root)",
            ),
            Change(
                ("containers", "postgres", "env"),
                ["POSTGRES_PASSWORD", "POSTGRES_USER"],
                ["PGDATA", "POSTGRES_PASSWORD", "POSTGRES_USER"],
                "initdb needs an empty directory it owns; a volume's root holds lost+found",
            ),
            Change(("containers", "postgres", "runAsUser"), None, 70, f"{NO_ROOT}: postgres"),
            Change(("containers", "postgres", "runAsGroup"), None, 70, f"{NO_ROOT}: postgres"),
            Change(("fsGroup",), None, 70, "the volume is writable by the database's group"),
        ],
        "redis": [
            Change(("kind",), "Deployment", "StatefulSet", STORE),
            Change(
                ("containers", "redis", "mounts", "/data"),
                "emptyDir",
                "persistentVolumeClaim",
                STORE,
            ),
            Change(("containers", "redis", "runAsUser"), None, 999, f"{NO_ROOT}: redis"),
            Change(("containers", "redis", "runAsGroup"), None, 1000, f"{NO_ROOT}: redis"),
            Change(("fsGroup",), None, 1000, "the volume is writable by redis' group"),
        ],
        "vote": [
            *binds_80("vote"),
            Change(
                ("containers", "vote", "image"),
                "dockersamples/examplevotingapp_vote",
                "dockersamples/examplevotingapp_vote:before",
                PINNED,
            ),
        ],
        "result": [
            *binds_80("result"),
            Change(
                ("containers", "result", "image"),
                "dockersamples/examplevotingapp_result",
                "dockersamples/examplevotingapp_result:before",
                PINNED,
            ),
        ],
        "worker": [
            Change(
                ("containers", "worker", "image"),
                "dockersamples/examplevotingapp_worker",
                "dockersamples/examplevotingapp_worker:before",
                PINNED,
            ),
        ],
    },
}

# Services: (type, {port: target port number}) per name.
SERVICE_DIFFERENCES: dict[str, list[Change]] = {
    "online-boutique": [
        Change(
            ("frontend-external",),
            {"type": "LoadBalancer", "ports": {80: 8080}},
            ABSENT,
            "one Service per app: the frontend's Ingress is the way in from outside",
        ),
    ],
    "sock-shop": [
        Change(
            ("rabbitmq", "ports", 15672),
            ABSENT,
            15672,
            "the Service serves every port of the pod (upstream leaves out management)",
        ),
    ],
    "voting-app": [],
}


def _get(shape: dict[str, Any], at: tuple[Any, ...]) -> Any:
    value: Any = shape
    for key in at:
        if not isinstance(value, dict) or key not in value:
            return ABSENT
        value = value[key]
    return value


def _set(shape: dict[str, Any], at: tuple[Any, ...], value: Any) -> None:
    for key in at[:-1]:
        shape = shape[key]
    if value == ABSENT:
        del shape[at[-1]]
    else:
        shape[at[-1]] = value


def apply(shape: dict[str, Any], changes: list[Change]) -> None:
    for change in changes:
        # A listed difference is a real one: it states upstream's value exactly.
        assert (change.at, _get(shape, change.at)) == (change.at, change.upstream), change.why
        _set(shape, change.at, change.ours)


# --- reading objects (upstream's and the built ones) into comparable shapes ---


def documents(paths: list[Path]) -> list[dict[str, Any]]:
    found = []
    for path in paths:
        found += [d for d in yaml.safe_load_all(path.read_text()) if d and "kind" in d]
    return [d for d in found if d["kind"] != "Kustomization"]


def pod_of(obj: dict[str, Any]) -> dict[str, Any]:
    spec = obj["spec"]
    if obj["kind"] == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    return spec["template"]


def mount_kinds(obj: dict[str, Any]) -> dict[str, str]:
    """Volume name -> the kind of its source (a claim template is a persistentVolumeClaim)."""
    pod = pod_of(obj)["spec"]
    kinds = {v["name"]: next(k for k in v if k != "name") for v in pod.get("volumes", [])}
    for claim in obj["spec"].get("volumeClaimTemplates", []):
        kinds[claim["metadata"]["name"]] = "persistentVolumeClaim"
    return kinds


def env_names(container: dict[str, Any], sources: dict[tuple[str, str], list[str]]) -> list[str]:
    names = [e["name"] for e in container.get("env", [])]
    for source in container.get("envFrom", []):
        for field, kind in (("configMapRef", "ConfigMap"), ("secretRef", "Secret")):
            if field in source:
                names += sources[kind, source[field]["name"]]
    return sorted(names)


def container_shape(
    container: dict[str, Any],
    pod_security: dict[str, Any],
    volumes: dict[str, str],
    sources: dict[tuple[str, str], list[str]],
) -> dict[str, Any]:
    security = container.get("securityContext", {})
    return {
        "image": container["image"],
        "command": container.get("command"),
        "args": container.get("args"),
        "env": env_names(container, sources),
        "ports": {p["containerPort"]: p.get("name") for p in container.get("ports", [])},
        "runAsUser": security.get("runAsUser", pod_security.get("runAsUser")),
        "runAsGroup": security.get("runAsGroup", pod_security.get("runAsGroup")),
        "capabilities": sorted(security.get("capabilities", {}).get("add", [])),
        "mounts": {m["mountPath"]: volumes[m["name"]] for m in container.get("volumeMounts", [])},
    }


def workload_shape(obj: dict[str, Any], sources: dict[tuple[str, str], list[str]]) -> Any:
    pod = pod_of(obj)["spec"]
    security = pod.get("securityContext", {})
    volumes = mount_kinds(obj)
    shaped = {
        section: {
            c["name"]: container_shape(c, security, volumes, sources) for c in pod.get(section, [])
        }
        for section in ("initContainers", "containers")
    }
    return {"kind": obj["kind"], "fsGroup": security.get("fsGroup"), **shaped}


def env_sources(objects: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """What envFrom can load: ConfigMaps' and Secrets' keys, and the keys of the Secrets that
    ExternalSecrets create."""
    sources = {}
    for obj in objects:
        name = obj["metadata"]["name"]
        if obj["kind"] in ("ConfigMap", "Secret"):
            sources[obj["kind"], name] = list(obj.get("data", {}))
        elif obj["kind"] == "ExternalSecret":
            target = obj["spec"]["target"]["name"]
            sources["Secret", target] = [d["secretKey"] for d in obj["spec"]["data"]]
    return sources


def workloads(objects: list[dict[str, Any]]) -> dict[str, Any]:
    sources = env_sources(objects)
    return {
        o["metadata"]["name"]: workload_shape(o, sources) for o in objects if o["kind"] in POD_KINDS
    }


def services(objects: list[dict[str, Any]]) -> dict[str, Any]:
    """Name -> type and {Service port: the number of the container port it reaches}."""
    shaped = {}
    for obj in objects:
        if obj["kind"] != "Service":
            continue
        spec = obj["spec"]
        numbers = {}  # the named ports of the pods the Service selects
        for pod in (pod_of(o) for o in objects if o["kind"] in POD_KINDS):
            if spec["selector"].items() <= pod["metadata"]["labels"].items():
                for section in ("initContainers", "containers"):
                    for container in pod["spec"].get(section, []):
                        for port in container.get("ports", []):
                            numbers[port.get("name")] = port["containerPort"]
        shaped[obj["metadata"]["name"]] = {
            "type": spec.get("type", "ClusterIP"),
            "ports": {
                p["port"]: numbers.get(p.get("targetPort"), p.get("targetPort", p["port"]))
                for p in spec["ports"]
            },
        }
    return shaped


def service_port_names(objects: list[dict[str, Any]], workload: str) -> dict[int, str]:
    """Upstream's names of the ports its Services reach on a workload's pods by number."""
    pod = next(
        pod_of(o) for o in objects if o["kind"] in POD_KINDS and o["metadata"]["name"] == workload
    )
    return {
        p.get("targetPort", p["port"]): p["name"]
        for o in objects
        if o["kind"] == "Service"
        and o["spec"]["selector"].items() <= pod["metadata"]["labels"].items()
        for p in o["spec"]["ports"]
        if "name" in p and isinstance(p.get("targetPort", p["port"]), int)
    }


# --- what the generated tree should run: upstream with the deliberate differences ---


def expected(app: str, upstream: list[dict[str, Any]]) -> dict[str, Any]:
    shapes = workloads(upstream)
    for name, shape in shapes.items():
        port_names = service_port_names(upstream, name)
        apply(shape, DIFFERENCES[app].get(name, []))
        first = next(iter(shape["containers"]))
        if first != name:  # app-container-name
            shape["containers"] = {
                (name if c == first else c): v for c, v in shape["containers"].items()
            }
        for section in ("initContainers", "containers"):
            for container in shape[section].values():
                container["mounts"].setdefault("/tmp", "emptyDir")  # tmp-emptydir
                for number, port in container["ports"].items():  # port-names
                    container["ports"][number] = port or port_names.get(number, "http")
                if container["runAsUser"] is None:  # default-user
                    container["runAsUser"] = 65532
                    if container["runAsGroup"] is None:
                        container["runAsGroup"] = 65532
                image = container["image"]
                if app in RELEASED and "/" not in image and ":" not in image:
                    container["image"] = RELEASED[app].format(image)
    return shapes


def expected_services(app: str, upstream: list[dict[str, Any]]) -> dict[str, Any]:
    shaped = services(upstream)
    apply(shaped, SERVICE_DIFFERENCES[app])
    return shaped


# --- the generated tree, built once per overlay ---


@dataclass(frozen=True)
class Built:
    app: str
    root: Path
    upstream: list[dict[str, Any]]
    apps: list[str]  # the catalog's
    levels: dict[str, str]  # environment -> its Pod Security level
    folders: list[str]  # the overlays built
    overlays: dict[str, list[dict[str, Any]]]  # environment -> every object of its app overlays
    failed: list[tuple[str, str]]


def upstream_files(app: str) -> list[Path]:
    folder = REALAPPS / app
    return sorted(p for p in folder.glob("*.yaml") if p.name != "kustomization.yaml")


@pytest.fixture(scope="module", params=APPS)
def built(request, tmp_path_factory):
    app = request.param
    if not (REALAPPS / app).is_dir():
        pytest.skip(f"upstream manifests of {app} not found at {REALAPPS / app}")
    root = make_repo(tmp_path_factory.mktemp(app), CATALOGS / f"{app}.catalog.yaml")
    generated = generate(Repository.at(root))
    tree, catalog = generated.tree, generated.catalog
    folders = sorted(
        {
            Path(p).parent.as_posix()
            for p in tree
            if p.startswith("overlays/") and "/_namespace/" not in p
        }
    )
    builds = kustomize.build_all([root / f for f in folders])
    overlays: dict[str, list[dict[str, Any]]] = {env: [] for env in ENVIRONMENTS}
    for folder, build in zip(folders, builds, strict=True):
        overlays[Path(folder).parts[1]] += [d for d in yaml.safe_load_all(build.output) if d]
    failed = [(b.folder.relative_to(root).as_posix(), b.error) for b in builds if not b.ok]
    return Built(
        app,
        root,
        documents(upstream_files(app)),
        [a.name for a in catalog.apps],
        {e.name: e.pod_security for e in catalog.environments},
        folders,
        overlays,
        failed,
    )


def test_every_overlay_builds(built):
    assert built.folders == sorted(f"overlays/{e}/{a}" for e in ENVIRONMENTS for a in built.apps)
    assert built.failed == []


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_workloads_run_what_upstream_runs(built, env):
    ours = workloads(built.overlays[env])
    want = expected(built.app, built.upstream)
    assert sorted(ours) == sorted(want)
    for name in want:
        assert ours[name] == want[name], name


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_services_serve_what_upstream_serves(built, env):
    assert services(built.overlays[env]) == expected_services(built.app, built.upstream)


# Upstream runs these without a liveness probe; the catalogs keep that, and validate says so
# (a warning: the process exits when it fails).
NO_LIVENESS = {
    "online-boutique": (
        "base/loadgenerator/deployment.yaml:59:9: warning: container 'loadgenerator' of "
        "Deployment loadgenerator has no livenessProbe; add one so a hung process is restarted; "
        "catalog entry: catalog.yaml:222:3 (workload-liveness-probe)"
    ),
    "voting-app": (
        "base/worker/deployment.yaml:31:9: warning: container 'worker' of Deployment worker has "
        "no livenessProbe; add one so a hung process is restarted; catalog entry: "
        "catalog.yaml:124:3 (workload-liveness-probe)"
    ),
}


def test_validates_clean_at_every_pod_security_level(built):
    result = validate(Repository.at(built.root)).result
    expected = [NO_LIVENESS[built.app]] if built.app in NO_LIVENESS else []
    assert [str(f) for f in result.findings] == expected
    assert built.levels == {"dev": "baseline", "staging": "restricted", "prod": "restricted"}
    assert "pod-security" in {r.family for r in result.rules}


def test_the_differences_have_reasons():
    listed = [c for app in DIFFERENCES.values() for cs in app.values() for c in cs]
    listed += [c for cs in SERVICE_DIFFERENCES.values() for c in cs]
    assert [c for c in listed if not c.why] == []
    assert all(RULES.values())

"""The Deployment of an app: restricted-Pod-Security-compliant by default."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import App, Probe, Resources
from generator.render.labels import app_labels, metadata, selector

PROBE_FIELDS = {
    "readiness": "readinessProbe",
    "liveness": "livenessProbe",
    "startup": "startupProbe",
}


def config_map_name(app: App) -> str:
    return f"{app.name}-config"


def secret_name(app: App) -> str:
    return f"{app.name}-secrets"


def has_config(app: App) -> bool:
    return bool(app.values.config) or any(d.values.config for d in app.deployments)


def resources(values: Resources) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if values.requests:
        result["requests"] = dict(values.requests)
    if values.limits:
        result["limits"] = dict(values.limits)
    return result


def probe(spec: Probe, app: App) -> dict[str, Any]:
    port: int | str = spec.port if spec.port is not None else "http"
    if spec.kind == "http":
        handler: dict[str, Any] = {"httpGet": {"path": spec.path, "port": port}}
    elif spec.kind == "grpc":
        handler = {"grpc": {"port": spec.port if spec.port is not None else app.port}}
    elif spec.kind == "tcp":
        handler = {"tcpSocket": {"port": port}}
    else:
        handler = {"exec": {"command": list(spec.command)}}
    return {**handler, **spec.timing}


def writable_volumes(app: App) -> list[tuple[str, str]]:
    """(volume name, mount path): /tmp first, then each writable path in the catalog's order."""
    paths = ["/tmp"] + [p for p in app.writable_paths if p.rstrip("/") != "/tmp"]
    return [(c.TMP_VOLUME if i == 0 else f"writable-{i}", p) for i, p in enumerate(paths)]


def container(app: App) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": app.name, "image": app.image}
    ports = []
    if app.port is not None:
        ports.append({"name": "http", "containerPort": app.port, "protocol": "TCP"})
    if app.metrics_port is not None and app.metrics_port != app.port:
        ports.append({"name": "metrics", "containerPort": app.metrics_port, "protocol": "TCP"})
    if ports:
        spec["ports"] = ports
    env_from = []
    if has_config(app):
        env_from.append({"configMapRef": {"name": config_map_name(app)}})
    if app.secrets:
        env_from.append({"secretRef": {"name": secret_name(app)}})
    if env_from:
        spec["envFrom"] = env_from
    spec["resources"] = resources(app.values.resources)
    for kind, field in PROBE_FIELDS.items():
        if kind in app.probes:
            spec[field] = probe(app.probes[kind], app)
    spec["securityContext"] = {
        "allowPrivilegeEscalation": False,
        "capabilities": {"drop": ["ALL"]},
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
    }
    spec["volumeMounts"] = [{"name": n, "mountPath": p} for n, p in writable_volumes(app)]
    return spec


def deployment(app: App) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "selector": {"matchLabels": selector(app)},
            "template": {
                "metadata": {"labels": app_labels(app)},
                "spec": {
                    "serviceAccountName": app.name,
                    "automountServiceAccountToken": False,
                    "securityContext": {
                        "runAsNonRoot": True,
                        "seccompProfile": {"type": "RuntimeDefault"},
                    },
                    "containers": [container(app)],
                    "volumes": [{"name": n, "emptyDir": {}} for n, _ in writable_volumes(app)],
                },
            },
        },
    }

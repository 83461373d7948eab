"""base/<app>/: what an app is in every environment.

`objects` renders an app's objects for one set of values: the app's own (base/<app>) or an
environment's, with what only an environment knows (`Site`: host, ingress class, issuer,
secret store). The overlay patches the difference between the two.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator import constants as c
from generator.catalog.model import App, Workload
from generator.render.labels import app_labels, metadata, selector
from generator.render.pod import default_port
from generator.render.tree import Tree, add
from generator.render.workload import (
    config_map_name,
    has_config,
    hook_annotations,
    persistent_claims,
    secret_name,
    workload,
)

KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"


@dataclass(frozen=True)
class Site:
    """What an environment adds to an app's objects."""

    host: str | None
    ingress_class: str
    issuer: str | None
    secret_store_kind: str
    secret_store: str


def _annotated(meta: dict[str, Any], annotations: dict[str, str] | None) -> dict[str, Any]:
    if annotations:
        meta["annotations"] = {**meta.get("annotations", {}), **annotations}
    return meta


def service_ports(app: App, values: Workload) -> list[dict[str, Any]]:
    ports = [*app.ports, *(p for s in values.sidecars for p in s.ports)]
    result = []
    for port in ports:
        entry: dict[str, Any] = {
            "name": port.name,
            "port": port.service_port,
            "targetPort": port.name,
            "protocol": port.protocol,
        }
        if port.app_protocol:
            entry["appProtocol"] = port.app_protocol
        result.append(entry)
    return result


def service(app: App, values: Workload) -> dict[str, Any] | None:
    ports = service_ports(app, values)
    if app.service is None or not ports:
        return None
    spec: dict[str, Any] = {"type": "ClusterIP" if app.service == "Headless" else app.service}
    if app.service == "Headless":
        spec["clusterIP"] = "None"
    spec["selector"] = selector(app)
    spec["ports"] = ports
    meta = metadata(app.name, app_labels(app))
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": _annotated(meta, dict(values.annotations.get("service", {}))),
        "spec": spec,
    }


def service_account(app: App, values: Workload) -> dict[str, Any]:
    meta = metadata(app.name, app_labels(app))
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": _annotated(meta, dict(values.annotations.get("serviceAccount", {}))),
        "automountServiceAccountToken": False,
    }


def external_secret(app: App, site: Site | None) -> dict[str, Any]:
    data = []
    for ref in app.secrets:
        remote: dict[str, str] = {"key": ref.key}
        if ref.property:
            remote["property"] = ref.property
        data.append({"secretKey": ref.name, "remoteRef": remote})
    spec: dict[str, Any] = {
        "refreshInterval": "1h",
        "target": {"name": secret_name(app), "creationPolicy": "Owner"},
        "data": data,
    }
    if site:
        spec["secretStoreRef"] = {"kind": site.secret_store_kind, "name": site.secret_store}
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": spec,
    }


def ingress_port(app: App) -> str:
    if app.ingress and app.ingress.port:
        return app.ingress.port
    port = default_port(app.ports)
    return port.name if port else c.DEFAULT_PORT_NAME


def ingress_rule(app: App, host: str | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"host": host} if host else {}
    paths = app.ingress.paths if app.ingress else ("/",)
    # A backend of its own per path: one shared dict would be written as a YAML anchor and alias.
    rule["http"] = {
        "paths": [
            {
                "path": path,
                "pathType": "Prefix",
                "backend": {"service": {"name": app.name, "port": {"name": ingress_port(app)}}},
            }
            for path in paths
        ]
    }
    return rule


def ingress(app: App, values: Workload, site: Site | None) -> dict[str, Any]:
    meta = metadata(app.name, app_labels(app))
    annotations = dict(values.annotations.get("ingress", {}))
    host = site.host if site else None
    if site and site.issuer and host:
        annotations[c.CERT_MANAGER_ISSUER] = site.issuer
    spec: dict[str, Any] = {}
    if site and host:
        spec["ingressClassName"] = site.ingress_class
    spec["rules"] = [ingress_rule(app, host)]
    if site and host:
        spec["tls"] = [{"hosts": [host], "secretName": f"{app.name}-tls"}]
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": _annotated(meta, annotations),
        "spec": spec,
    }


def service_monitor(app: App) -> dict[str, Any]:
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "selector": {"matchLabels": selector(app)},
            "endpoints": [{"port": app.metrics_port, "path": app.metrics_path}],
        },
    }


def _literal_value(value: str) -> str:
    # Kustomize strips one pair of matching quotes around a literal's value: add a pair
    # so a value that is itself quoted keeps its quotes.
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return f'"{value}"'
    return value


def literals(config: dict[str, str]) -> list[str]:
    return [f"{key}={_literal_value(value)}" for key, value in config.items()]


def workload_file(app: App) -> str:
    return f"{app.kind.lower()}.yaml"


def objects(app: App, values: Workload, site: Site | None) -> dict[str, dict[str, Any]]:
    """The app's objects by file name, for `values` (and an environment's `site`)."""
    files: dict[str, dict[str, Any] | None] = {
        workload_file(app): workload(app, values),
        "service.yaml": service(app, values),
        "serviceaccount.yaml": service_account(app, values),
        "externalsecret.yaml": external_secret(app, site) if app.secrets else None,
        "ingress.yaml": ingress(app, values, site) if app.has_ingress else None,
        "servicemonitor.yaml": service_monitor(app) if app.metrics_port is not None else None,
    }
    for claim in persistent_claims(app, values):
        files[f"pvc-{claim['metadata']['name']}.yaml"] = claim
    found = {name: obj for name, obj in files.items() if obj is not None}
    hook = hook_annotations(app)
    if hook:
        for obj in found.values():
            if obj["kind"] != app.kind:
                _annotated(obj["metadata"], hook)
    return found


def render_base(app: App, source: str, tree: Tree) -> None:
    folder = f"{c.BASE_DIR}/{app.name}"
    files = objects(app, app.values, None)
    kustomization: dict[str, Any] = {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "resources": list(files),
    }
    if has_config(app):
        generator: dict[str, Any] = {
            "name": config_map_name(app),
            "literals": literals(dict(app.values.config)),
        }
        hook = hook_annotations(app)
        if hook:
            generator["options"] = {"annotations": hook}
        kustomization["configMapGenerator"] = [generator]
    add(tree, f"{folder}/{c.KUSTOMIZATION}", source, [kustomization])
    for name, obj in files.items():
        add(tree, f"{folder}/{name}", source, [obj])

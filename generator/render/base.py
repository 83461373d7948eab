"""base/<app>/: what an app is in every environment."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import App
from generator.render.labels import app_labels, metadata, selector
from generator.render.tree import Tree, add
from generator.render.workload import config_map_name, deployment, has_config, secret_name

KUSTOMIZE_API = "kustomize.config.k8s.io/v1beta1"


def service_port(app: App) -> int | None:
    return app.service_port or app.port


def service(app: App) -> dict[str, Any] | None:
    ports = []
    if app.port is not None:
        ports.append(
            {"name": "http", "port": service_port(app), "targetPort": "http", "protocol": "TCP"}
        )
    if app.metrics_port is not None and app.metrics_port != app.port:
        ports.append(
            {
                "name": "metrics",
                "port": app.metrics_port,
                "targetPort": "metrics",
                "protocol": "TCP",
            }
        )
    if not ports:
        return None
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {"type": "ClusterIP", "selector": selector(app), "ports": ports},
    }


def service_account(app: App) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ServiceAccount",
        "metadata": metadata(app.name, app_labels(app)),
        "automountServiceAccountToken": False,
    }


def external_secret(app: App) -> dict[str, Any]:
    data = []
    for ref in app.secrets:
        remote: dict[str, str] = {"key": ref.key}
        if ref.property:
            remote["property"] = ref.property
        data.append({"secretKey": ref.name, "remoteRef": remote})
    return {
        "apiVersion": "external-secrets.io/v1",
        "kind": "ExternalSecret",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "refreshInterval": "1h",
            "target": {"name": secret_name(app), "creationPolicy": "Owner"},
            "data": data,
        },
    }


def ingress_rule(app: App, host: str | None) -> dict[str, Any]:
    rule: dict[str, Any] = {"host": host} if host else {}
    backend = {"service": {"name": app.name, "port": {"name": "http"}}}
    rule["http"] = {
        "paths": [{"path": app.ingress_path or "/", "pathType": "Prefix", "backend": backend}]
    }
    return rule


def ingress(app: App) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "Ingress",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {"rules": [ingress_rule(app, None)]},
    }


def service_monitor(app: App) -> dict[str, Any]:
    port = "http" if app.metrics_port == app.port else "metrics"
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "selector": {"matchLabels": selector(app)},
            "endpoints": [{"port": port, "path": app.metrics_path}],
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


def render_base(app: App, source: str, tree: Tree) -> None:
    folder = f"{c.BASE_DIR}/{app.name}"
    files: dict[str, dict[str, Any] | None] = {
        "deployment.yaml": deployment(app),
        "service.yaml": service(app),
        "serviceaccount.yaml": service_account(app),
        "externalsecret.yaml": external_secret(app) if app.secrets else None,
        "ingress.yaml": ingress(app) if app.has_ingress else None,
        "servicemonitor.yaml": service_monitor(app) if app.metrics_port is not None else None,
    }
    kustomization: dict[str, Any] = {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "resources": [name for name, obj in files.items() if obj is not None],
    }
    if has_config(app):
        kustomization["configMapGenerator"] = [
            {"name": config_map_name(app), "literals": literals(dict(app.values.config))}
        ]
    add(tree, f"{folder}/{c.KUSTOMIZATION}", source, [kustomization])
    for name, obj in files.items():
        if obj is not None:
            add(tree, f"{folder}/{name}", source, [obj])

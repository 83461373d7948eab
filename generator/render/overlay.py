"""overlays/<env>/<app>/: the app as it runs in one environment (what Argo CD builds)."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import App, Catalog, Deployment, Environment
from generator.catalog.names import resolve_host
from generator.imageref import split_version
from generator.render.base import KUSTOMIZE_API, ingress_rule, literals
from generator.render.labels import app_labels, metadata, selector
from generator.render.tree import Tree, add
from generator.render.workload import config_map_name, has_config, resources


def image_entry(app: App, version: str) -> dict[str, str]:
    tag, digest = split_version(version)
    entry = {"name": app.image}
    if tag:
        entry["newTag"] = tag
    if digest:
        entry["digest"] = digest
    return entry


def effective_replicas(deployment: Deployment) -> int:
    scaling = deployment.values.autoscaling
    return scaling.min_replicas if scaling else deployment.values.replicas


def host(app: App, env: Environment) -> str | None:
    template = app.ingress_host or env.host
    return resolve_host(template, app.name, env.name) if template else None


def hpa(app: App, deployment: Deployment) -> dict[str, Any]:
    scaling = deployment.values.autoscaling
    assert scaling is not None
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": app.name},
            "minReplicas": scaling.min_replicas,
            "maxReplicas": scaling.max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": scaling.target_cpu},
                    },
                }
            ],
        },
    }


def pdb(app: App) -> dict[str, Any]:
    return {
        "apiVersion": "policy/v1",
        "kind": "PodDisruptionBudget",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {"maxUnavailable": 1, "selector": {"matchLabels": selector(app)}},
    }


def _patch(api_version: str, kind: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": api_version, "kind": kind, "metadata": {"name": name}, "spec": spec}


def patches(
    app: App, env: Environment, deployment: Deployment, catalog: Catalog
) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    if deployment.values.resources != app.values.resources:
        container = {"name": app.name, "resources": resources(deployment.values.resources)}
        spec: dict[str, Any] = {"template": {"spec": {"containers": [container]}}}
        result["deployment-patch.yaml"] = _patch("apps/v1", "Deployment", app.name, spec)
    name = host(app, env)
    if app.has_ingress and name:
        spec = {
            "ingressClassName": catalog.cluster(env.cluster).ingress_class,
            "rules": [ingress_rule(app, name)],
            "tls": [{"hosts": [name], "secretName": f"{app.name}-tls"}],
        }
        result["ingress-patch.yaml"] = _patch("networking.k8s.io/v1", "Ingress", app.name, spec)
    if app.secrets:
        store = {"kind": env.secret_store_kind, "name": env.secret_store or ""}
        spec = {"secretStoreRef": store}
        result["externalsecret-patch.yaml"] = _patch(
            "external-secrets.io/v1", "ExternalSecret", app.name, spec
        )
    return result


def render_overlay(app: App, env: Environment, catalog: Catalog, tree: Tree) -> None:
    deployment = app.deployment(env.name)
    if not deployment.enabled:
        return
    folder = f"{c.OVERLAYS_DIR}/{env.name}/{app.name}"
    resources_files: dict[str, dict[str, Any]] = {}
    if deployment.values.autoscaling:
        resources_files["hpa.yaml"] = hpa(app, deployment)
    if env.min_replicas is not None and effective_replicas(deployment) > 1:
        resources_files["pdb.yaml"] = pdb(app)
    patch_files = patches(app, env, deployment, catalog)
    kustomization: dict[str, Any] = {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "namespace": env.namespace,
        "resources": [f"../../../{c.BASE_DIR}/{app.name}", *resources_files],
        "labels": [{"pairs": {c.LABEL_ENVIRONMENT: env.name}, "includeTemplates": True}],
        "images": [image_entry(app, deployment.version)],
    }
    if deployment.values.autoscaling is None:
        kustomization["replicas"] = [{"name": app.name, "count": deployment.values.replicas}]
    if has_config(app):
        changed = {
            k: v for k, v in deployment.values.config.items() if app.values.config.get(k) != v
        }
        # base/<app> generates the ConfigMap whenever any environment has config: merge into it
        if changed:
            kustomization["configMapGenerator"] = [
                {"name": config_map_name(app), "behavior": "merge", "literals": literals(changed)}
            ]
    if patch_files:
        kustomization["patches"] = [{"path": name} for name in patch_files]
    add(tree, f"{folder}/{c.KUSTOMIZATION}", catalog.path, [kustomization])
    for name, obj in {**resources_files, **patch_files}.items():
        add(tree, f"{folder}/{name}", catalog.path, [obj])

"""overlays/<env>/<app>/: the app as it runs in one environment (what Argo CD builds)."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import SCALED_KINDS, App, Catalog, Deployment, Environment
from generator.catalog.names import resolve_host
from generator.k8s.imageref import split_version
from generator.render.base import KUSTOMIZE_API, Site, literals, objects
from generator.render.labels import app_labels, metadata, selector
from generator.render.patch import object_patch
from generator.render.tree import Tree, add
from generator.render.workload import config_map_name, has_config


def image_entry(image: str, version: str) -> dict[str, str]:
    tag, digest = split_version(version)
    entry = {"name": image}
    if tag:
        entry["newTag"] = tag
    if digest:
        entry["digest"] = digest
    return entry


def image_entries(app: App, deployment: Deployment) -> list[dict[str, str]]:
    """The app's image at the environment's version, then each container's own image at its
    own version (sorted by image; one entry per image)."""
    entries = {app.image: image_entry(app.image, deployment.version)}
    values = deployment.values
    for container in (*values.init_containers, *values.sidecars):
        if container.image and container.image not in entries:
            entries[container.image] = image_entry(container.image, container.version or "")
    own = entries.pop(app.image)
    return [own, *(entries[k] for k in sorted(entries))]


def effective_replicas(deployment: Deployment) -> int:
    scaling = deployment.values.autoscaling
    return scaling.min_replicas if scaling else deployment.values.replicas


def host(app: App, env: Environment) -> str | None:
    template = (app.ingress.host if app.ingress else None) or env.host
    return resolve_host(template, app.name, env.name) if template else None


def hpa(app: App, deployment: Deployment) -> dict[str, Any]:
    scaling = deployment.values.autoscaling
    assert scaling is not None
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": metadata(app.name, app_labels(app)),
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": app.kind, "name": app.name},
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


def site(app: App, env: Environment, catalog: Catalog) -> Site:
    cluster = catalog.cluster(env.cluster)
    return Site(
        host=host(app, env),
        ingress_class=cluster.ingress_class,
        issuer=cluster.cluster_issuer,
        secret_store_kind=env.secret_store_kind,
        secret_store=env.secret_store or "",
    )


def _stem(name: str) -> str:
    return name.removesuffix(".yaml")


def changes(
    app: App, env: Environment, deployment: Deployment, catalog: Catalog
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """(objects only the environment has, patches of the base objects it changes)."""
    base = objects(app, app.values, None)
    mine = objects(app, deployment.values, site(app, env, catalog))
    added = {name: obj for name, obj in mine.items() if name not in base}
    patches: dict[str, dict[str, Any]] = {}
    for name, obj in base.items():
        if name not in mine:
            patches[f"{_stem(name)}-delete.yaml"] = {
                "apiVersion": obj["apiVersion"],
                "kind": obj["kind"],
                "metadata": {"name": obj["metadata"]["name"]},
                "$patch": "delete",
            }
        elif (patch := object_patch(obj, mine[name])) is not None:
            patches[f"{_stem(name)}-patch.yaml"] = patch
    return added, patches


def scaled(app: App) -> bool:
    return app.kind in SCALED_KINDS


def render_overlay(app: App, env: Environment, catalog: Catalog, tree: Tree) -> None:
    deployment = app.deployment(env.name)
    if not deployment.enabled:
        return
    folder = f"{c.OVERLAYS_DIR}/{env.name}/{app.name}"
    resources_files: dict[str, dict[str, Any]] = {}
    if scaled(app) and deployment.values.autoscaling:
        resources_files["hpa.yaml"] = hpa(app, deployment)
    if scaled(app) and env.min_replicas is not None and effective_replicas(deployment) > 1:
        resources_files["pdb.yaml"] = pdb(app)
    added, patch_files = changes(app, env, deployment, catalog)
    resources_files.update(added)
    kustomization: dict[str, Any] = {
        "apiVersion": KUSTOMIZE_API,
        "kind": "Kustomization",
        "namespace": env.namespace,
        "resources": [f"../../../{c.BASE_DIR}/{app.name}", *resources_files],
    }
    components = deployment.values.components
    if components:
        kustomization["components"] = [f"../../../{path.strip('/')}" for path in components]
    kustomization["labels"] = [{"pairs": {c.LABEL_ENVIRONMENT: env.name}, "includeTemplates": True}]
    kustomization["images"] = image_entries(app, deployment)
    if scaled(app) and deployment.values.autoscaling is None:
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

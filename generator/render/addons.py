"""argocd/addons/<cluster>/: the cluster's add-ons, one Application each, and their project.

The add-ons project is the one project that may deploy cluster-scoped kinds (CRDs, webhooks,
ClusterRoles an operator needs): it allows only the add-ons' chart repositories (and this
repository for their value files) and only their namespaces. Add-ons sync in the waves
before every environment's projects, guardrails and apps; automatically, unless an
environment on the cluster is synced by hand (then a person syncs the add-ons too).
"""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog import names
from generator.catalog.model import Addon, Catalog, Cluster
from generator.render.argocd import (
    ACTIONS,
    ARGO_API,
    WAVE_ADDONS,
    WAVE_ADDONS_PROJECT,
    _meta,
    _sync_policy,
    addon_files,
)
from generator.render.charts import chart_repository, chart_sources
from generator.render.tree import Tree, add

CREATE_NAMESPACE = "CreateNamespace=true"


def _labels(cluster: Cluster) -> dict[str, str]:
    return {c.LABEL_CLUSTER: cluster.name}


def _automated(cluster: Cluster, catalog: Catalog) -> bool:
    return all(e.sync == "auto" for e in catalog.environments if e.cluster == cluster.name)


def _admins(cluster: Cluster, catalog: Catalog) -> list[str]:
    """The teams with admin access to every environment on the cluster (none without one)."""
    envs = [e for e in catalog.environments if e.cluster == cluster.name]
    if not envs:
        return []
    return [t.name for t in catalog.teams if all(e.access.get(t.name) == "admin" for e in envs)]


def addons_project(cluster: Cluster, catalog: Catalog) -> dict[str, Any]:
    name = names.addons_project_name(cluster.name)
    repos = sorted({chart_repository(a.chart) for a in cluster.addons})
    if any(a.value_files for a in cluster.addons):
        repos = [catalog.repository_url, *repos]
    spec: dict[str, Any] = {
        "description": f"Cluster add-ons of cluster {cluster.name}",
        "sourceRepos": repos,
        "destinations": [
            {"server": cluster.server, "namespace": namespace}
            for namespace in sorted({a.namespace for a in cluster.addons})
        ],
        "clusterResourceWhitelist": [{"group": "*", "kind": "*"}],
    }
    roles = [
        {
            "name": team,
            "description": f"team {team}: admin of the add-ons of cluster {cluster.name}",
            "groups": list(catalog.team(team).groups),
            "policies": [
                f"p, proj:{name}:{team}, applications, {action}, {name}/*, allow"
                for action in ACTIONS["admin"]
            ],
        }
        for team in _admins(cluster, catalog)
    ]
    if roles:
        spec["roles"] = roles
    return {
        "apiVersion": ARGO_API,
        "kind": "AppProject",
        "metadata": _meta(name, catalog, WAVE_ADDONS_PROJECT, _labels(cluster)),
        "spec": spec,
    }


def addon_application(addon: Addon, cluster: Cluster, catalog: Catalog) -> dict[str, Any]:
    labels = {**_labels(cluster), c.LABEL_NAME: addon.name}
    metadata = _meta(
        names.addon_application_name(cluster.name, addon.name), catalog, WAVE_ADDONS, labels
    )
    metadata["finalizers"] = [c.ARGOCD_FINALIZER]
    policy = _sync_policy(_automated(cluster, catalog))
    policy["syncOptions"] = [CREATE_NAMESPACE, *policy["syncOptions"]]
    return {
        "apiVersion": ARGO_API,
        "kind": "Application",
        "metadata": metadata,
        "spec": {
            "project": names.addons_project_name(cluster.name),
            "sources": chart_sources(
                addon.chart, addon.version, addon.name, addon.values, addon.value_files, catalog
            ),
            "destination": {"server": cluster.server, "namespace": addon.namespace},
            "syncPolicy": policy,
        },
    }


def render_addons(catalog: Catalog, tree: Tree) -> None:
    for cluster in catalog.clusters:
        files = addon_files(cluster)
        if not files:
            continue
        documents = [addons_project(cluster, catalog)]
        documents += [addon_application(a, cluster, catalog) for a in cluster.addons]
        for path, document in zip(files, documents, strict=True):
            add(tree, f"{c.ARGOCD_DIR}/{path}", catalog.path, [document])

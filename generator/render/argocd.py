"""argocd/: least-privilege AppProjects, an Application per (app, env), a root per cluster."""

from __future__ import annotations

from functools import cache
from typing import Any

from generator import constants as c
from generator.catalog import names
from generator.catalog.model import App, Catalog, Cluster, Environment
from generator.render.charts import chart_repository, chart_sources
from generator.render.tree import Tree, add

ARGO_API = "argoproj.io/v1alpha1"
# Kinds app teams may not create: they would loosen the platform's guardrails.
GUARDRAIL_KINDS = (
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
)
# What each access level may do to its Applications in Argo CD. Never `override` (a sync
# from local manifests or parameters, not from git), `update` or `delete` (git changes and
# removes Applications: the finalizer would delete every resource of a deleted one).
ACTIONS = {
    "view": ("get",),
    "edit": ("get", "sync"),
    "admin": ("get", "sync", "action/*"),
}
# What the guardrails Application deploys, and nothing more.
GUARDRAILS_NAMESPACED = (
    ("", "LimitRange"),
    ("", "ResourceQuota"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
)
# Cluster add-ons first (the ingress controller, cert-manager ... the apps rely on), then
# the environments' projects, guardrails and apps (dependsOn depth from 0).
WAVE_ADDONS_PROJECT = -4
WAVE_ADDONS = -3
WAVE_PROJECTS = -2
WAVE_GUARDRAILS = -1


def _meta(name: str, catalog: Catalog, wave: int, labels: dict[str, str]) -> dict[str, Any]:
    return {
        "name": name,
        "namespace": catalog.argocd_namespace,
        "labels": {c.LABEL_MANAGED_BY: c.MANAGED_BY, **labels},
        "annotations": {c.SYNC_WAVE: str(wave)},
    }


def _kinds(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"group": group, "kind": kind} for group, kind in pairs]


def _roles(
    project: str, env: Environment, catalog: Catalog, guardrails: bool
) -> list[dict[str, Any]]:
    roles = []
    for team_name, access in env.access.items():
        # On the guardrails, only admins act; everybody else may look.
        level = access if not guardrails or access == "admin" else "view"
        subject = f"proj:{project}:{team_name}"
        roles.append(
            {
                "name": team_name,
                "description": f"team {team_name}: {level} in {env.name}",
                "groups": list(catalog.team(team_name).groups),
                "policies": [
                    f"p, {subject}, applications, {action}, {project}/*, allow"
                    for action in ACTIONS[level]
                ],
            }
        )
    return roles


def app_project(env: Environment, catalog: Catalog, guardrails: bool) -> dict[str, Any]:
    name = (
        names.guardrails_project_name(env.name) if guardrails else names.app_project_name(env.name)
    )
    charts = [] if guardrails else chart_repositories(env, catalog)
    spec: dict[str, Any] = {
        "description": f"{'Guardrails' if guardrails else 'Apps'} of environment {env.name}",
        "sourceRepos": [catalog.repository_url, *charts],
        "destinations": [
            {"server": catalog.cluster(env.cluster).server, "namespace": env.namespace}
        ],
    }
    if guardrails:
        # Its own Namespace only (Argo CD matches `name` on cluster-scoped kinds; namespaced
        # kinds have no name filter, the destination keeps them in the namespace).
        spec["clusterResourceWhitelist"] = [
            {"group": "", "kind": "Namespace", "name": env.namespace}
        ]
        spec["namespaceResourceWhitelist"] = _kinds(GUARDRAILS_NAMESPACED)
    else:
        spec["clusterResourceWhitelist"] = []
        spec["namespaceResourceBlacklist"] = _kinds(GUARDRAIL_KINDS)
    spec["roles"] = _roles(name, env, catalog, guardrails)
    return {
        "apiVersion": ARGO_API,
        "kind": "AppProject",
        "metadata": _meta(name, catalog, WAVE_PROJECTS, {c.LABEL_ENVIRONMENT: env.name}),
        "spec": spec,
    }


def chart_repositories(env: Environment, catalog: Catalog) -> list[str]:
    """The chart repositories of the chart apps that run in `env`, sorted."""
    return sorted(
        {
            chart_repository(a.chart)
            for a in catalog.apps
            if a.chart is not None and a.deployment(env.name).enabled
        }
    )


def _sync_policy(automated: bool) -> dict[str, Any]:
    policy: dict[str, Any] = {}
    if automated:
        policy["automated"] = {"prune": True, "selfHeal": True}
    policy["syncOptions"] = ["PrunePropagationPolicy=foreground"]
    return policy


def application(
    name: str,
    project: str,
    path: str,
    env: Environment,
    catalog: Catalog,
    wave: int,
    labels: dict[str, str],
) -> dict[str, Any]:
    meta = _meta(name, catalog, wave, {c.LABEL_ENVIRONMENT: env.name, **labels})
    meta["finalizers"] = [c.ARGOCD_FINALIZER]
    return {
        "apiVersion": ARGO_API,
        "kind": "Application",
        "metadata": meta,
        "spec": {
            "project": project,
            "source": {
                "repoURL": catalog.repository_url,
                "targetRevision": catalog.repository_revision,
                "path": path,
            },
            "destination": {
                "server": catalog.cluster(env.cluster).server,
                "namespace": env.namespace,
            },
            "syncPolicy": _sync_policy(env.sync == "auto"),
        },
    }


def waves(catalog: Catalog) -> dict[str, int]:
    """Sync wave of each app: its depth in the dependsOn graph (dependencies first)."""
    apps = {a.name: a for a in catalog.apps}

    @cache
    def depth(name: str) -> int:
        return 1 + max((depth(d) for d in apps[name].depends_on if d in apps), default=-1)

    return {name: depth(name) for name in apps}


def with_sources(document: dict[str, Any], sources: list[dict[str, Any]]) -> dict[str, Any]:
    """The Application with multi-source `sources` in place of its `source`."""
    spec = document["spec"]
    document["spec"] = {
        "project": spec["project"],
        "sources": sources,
        **{k: v for k, v in spec.items() if k not in ("project", "source")},
    }
    return document


def app_application(app: App, env: Environment, catalog: Catalog, wave: int) -> dict[str, Any]:
    if app.chart is not None:  # no overlay: Argo CD renders the chart
        deployment = app.deployment(env.name)
        document = application(
            names.application_name(env.name, app.name),
            names.app_project_name(env.name),
            "",
            env,
            catalog,
            wave,
            {c.LABEL_NAME: app.name, c.LABEL_TEAM: app.team},
        )
        sources = chart_sources(
            app.chart,
            deployment.version,
            app.name,
            deployment.values.helm_values,
            deployment.values.value_files,
            catalog,
        )
        return with_sources(document, sources)
    return application(
        names.application_name(env.name, app.name),
        names.app_project_name(env.name),
        f"{c.OVERLAYS_DIR}/{env.name}/{app.name}",
        env,
        catalog,
        wave,
        {c.LABEL_NAME: app.name, c.LABEL_TEAM: app.team},
    )


def application_files(env: Environment, catalog: Catalog) -> list[str]:
    """The Application files of an environment, relative to argocd/: its guardrails', then
    one per app that runs there."""
    apps = [a.name for a in catalog.apps if a.deployment(env.name).enabled]
    return [f"{c.APPS_SUBDIR}/{env.name}/{name}.yaml" for name in (c.NAMESPACE_DIR, *apps)]


def addon_files(cluster: Cluster) -> list[str]:
    """The add-on files of a cluster, relative to argocd/: their project, then one
    Application per add-on; none without add-ons."""
    if not cluster.addons:
        return []
    folder = f"{c.ADDONS_SUBDIR}/{cluster.name}"
    names_ = [c.ADDONS_PROJECT_FILE, *(f"{a.name}.yaml" for a in cluster.addons)]
    return [f"{folder}/{name}" for name in names_]


def root_include(cluster: Cluster, catalog: Catalog) -> str:
    """Argo CD's directory `include` of the root: exactly the files the catalog generates for
    the cluster (a brace list of literal paths), so a hand-added file is never synced."""
    envs = [e for e in catalog.environments if e.cluster == cluster.name]
    files = addon_files(cluster)
    files += [f"{c.PROJECTS_SUBDIR}/{e.name}.yaml" for e in envs]
    files += [f for e in envs for f in application_files(e, catalog)]
    return "{" + ",".join(files) + "}"


def root(cluster: Cluster, catalog: Catalog) -> list[dict[str, Any]]:
    name = names.root_name(cluster.name)
    project = {
        "apiVersion": ARGO_API,
        "kind": "AppProject",
        "metadata": _meta(name, catalog, WAVE_PROJECTS, {}),
        "spec": {
            "description": f"The app-of-apps root of cluster {cluster.name}",
            "sourceRepos": [catalog.repository_url],
            "destinations": [{"server": c.IN_CLUSTER, "namespace": catalog.argocd_namespace}],
            "clusterResourceWhitelist": [],
            "namespaceResourceWhitelist": _kinds(
                (("argoproj.io", "AppProject"), ("argoproj.io", "Application"))
            ),
        },
    }
    meta = _meta(name, catalog, 0, {})
    meta["finalizers"] = [c.ARGOCD_FINALIZER]
    app = {
        "apiVersion": ARGO_API,
        "kind": "Application",
        "metadata": meta,
        "spec": {
            "project": name,
            "source": {
                "repoURL": catalog.repository_url,
                "targetRevision": catalog.repository_revision,
                "path": c.ARGOCD_DIR,
                "directory": {"recurse": True, "include": root_include(cluster, catalog)},
            },
            "destination": {"server": c.IN_CLUSTER, "namespace": catalog.argocd_namespace},
            "syncPolicy": _sync_policy(True),
        },
    }
    return [project, app]


def render_argocd(catalog: Catalog, tree: Tree) -> None:
    app_waves = waves(catalog)
    for env in catalog.environments:
        add(
            tree,
            f"{c.PROJECTS_DIR}/{env.name}.yaml",
            catalog.path,
            [app_project(env, catalog, False), app_project(env, catalog, True)],
        )
        guardrails = application(
            names.guardrails_application_name(env.name),
            names.guardrails_project_name(env.name),
            f"{c.OVERLAYS_DIR}/{env.name}/{c.NAMESPACE_DIR}",
            env,
            catalog,
            WAVE_GUARDRAILS,
            {},
        )
        add(tree, f"{c.APPS_DIR}/{env.name}/{c.NAMESPACE_DIR}.yaml", catalog.path, [guardrails])
        for app in catalog.apps:
            if app.deployment(env.name).enabled:
                document = app_application(app, env, catalog, app_waves[app.name])
                add(tree, f"{c.APPS_DIR}/{env.name}/{app.name}.yaml", catalog.path, [document])
    for cluster in catalog.clusters:
        if cluster.addons or any(e.cluster == cluster.name for e in catalog.environments):
            add(tree, f"{c.ROOT_DIR}/{cluster.name}.yaml", catalog.path, root(cluster, catalog))

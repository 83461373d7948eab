"""`argocd-` rules: Applications and AppProjects as Argo CD will judge them, checked offline.

They need more than the objects: the files in the repository, what each Application's
path builds to, and the catalog's sync setting per environment. `ArgoContext` carries that;
`validate` builds it (see generator.validate.repository).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from generator.finding import Finding, Position, Severity
from generator.k8s.display import show
from generator.k8s.kinds import CLUSTER_SCOPED_KINDS, api_group
from generator.manifest import Manifest, NodePath, get
from generator.rule import Rule


@dataclass(frozen=True)
class Built:
    """What an Application's source path builds to: objects, or the build's error."""

    exists: bool
    objects: tuple[Mapping[str, Any], ...] = ()
    error: str = ""


@dataclass(frozen=True)
class ArgoContext:
    applications: tuple[Manifest, ...]
    projects: Mapping[str, Manifest]
    built: Mapping[str, Built]  # source path -> build
    manual_sync: Callable[[str, str], str | None]  # (server, namespace) -> environment if manual
    # Application name -> what its Helm chart renders to (chart apps and add-ons), where the
    # chart could be rendered.
    charts: Mapping[str, Built] = field(default_factory=dict)


def _rule(rule_id: str, summary: str, description: str) -> Rule:
    return Rule(rule_id, Severity.ERROR, summary, description)


PROJECT_MISSING = _rule(
    "argocd-project-missing",
    "An Application's project exists in the tree.",
    "Argo CD refuses to sync an Application whose AppProject does not exist.",
)
SOURCE_DENIED = _rule(
    "argocd-source-denied",
    "The project allows the Application's source repository.",
    "The repoURL must match one of the project's sourceRepos.",
)
DESTINATION_DENIED = _rule(
    "argocd-destination-denied",
    "The project allows the Application's destination.",
    "The destination server (or name) and namespace must match one of the project's destinations.",
)
PATH_BUILDS = _rule(
    "argocd-path-builds",
    "The Application's source path exists and builds.",
    "The path is built with the real Kustomize, as Argo CD's repo-server builds it.",
)
KIND_DENIED = _rule(
    "argocd-kind-denied",
    "Every kind the path builds (or the chart renders) is allowed by the project.",
    "Cluster-scoped kinds need the project's clusterResourceWhitelist (an entry with a `name` "
    "allows only the objects its glob matches); namespaced kinds must not be in "
    "namespaceResourceBlacklist and, where a namespaceResourceWhitelist is set, must be in it. "
    "A Helm chart's Application is checked on what `validate` renders from the chart, where "
    "it can obtain it.",
)
AUTO_SYNC = _rule(
    "argocd-auto-sync",
    "Environments the catalog syncs by hand are not auto-synced.",
    "An Application with syncPolicy.automated in an environment whose catalog `sync` is "
    "`manual` (prod, typically) would deploy without the approval the catalog asks for.",
)

ARGOCD_RULES: tuple[Rule, ...] = (
    PROJECT_MISSING,
    SOURCE_DENIED,
    DESTINATION_DENIED,
    PATH_BUILDS,
    KIND_DENIED,
    AUTO_SYNC,
)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _destination_allowed(project: Manifest, server: str, name: str, namespace: str) -> bool:
    for allowed in _list(get(project.obj, "spec", "destinations")):
        if not isinstance(allowed, dict):
            continue
        target_ok = (
            fnmatchcase(server, str(allowed["server"]))
            if "server" in allowed
            else fnmatchcase(name, str(allowed.get("name", "")))
        )
        if target_ok and fnmatchcase(namespace, str(allowed.get("namespace", ""))):
            return True
    return False


def _kind_listed(entries: Any, group: str, kind: str, name: str | None = None) -> bool:
    """Whether an entry lists the group and kind (and, given `name`, matches it: a cluster
    resource entry's `name` is a glob; no name matches every object of the kind)."""
    return any(
        isinstance(e, dict)
        and fnmatchcase(group, str(e.get("group", "")))
        and fnmatchcase(kind, str(e.get("kind", "")))
        and (name is None or not e.get("name") or fnmatchcase(name, str(e["name"])))
        for e in _list(entries)
    )


def _kind_problem(project: Manifest, obj: Mapping[str, Any]) -> str | None:
    kind = str(obj.get("kind", ""))
    group = api_group(str(obj.get("apiVersion", "")))
    spec = project.obj.get("spec", {})
    if kind in CLUSTER_SCOPED_KINDS:
        whitelist = spec.get("clusterResourceWhitelist")
        if not _kind_listed(whitelist, group, kind):
            return "is cluster-scoped and not in the project's clusterResourceWhitelist"
        name = str(get(obj, "metadata", "name") or "")
        if not _kind_listed(whitelist, group, kind, name):
            return f"is named '{name}', not a name in the project's clusterResourceWhitelist"
        return None
    if _kind_listed(spec.get("namespaceResourceBlacklist"), group, kind):
        return "is in the project's namespaceResourceBlacklist"
    whitelist = spec.get("namespaceResourceWhitelist")
    if whitelist is not None and not _kind_listed(whitelist, group, kind):
        return "is not in the project's namespaceResourceWhitelist"
    return None


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def application_sources(spec: Any) -> list[tuple[NodePath, Mapping[str, Any]]]:
    """An Application's sources with their node: its `source`, or each of its `sources`
    (multi-source: a Helm chart and this repository's value files, `ref: values`)."""
    if not isinstance(spec, Mapping):
        return [(("spec", "source"), {})]
    sources = spec.get("sources")
    if isinstance(sources, list) and "source" not in spec:
        return [(("spec", "sources", i), s) for i, s in enumerate(sources) if isinstance(s, dict)]
    source = spec.get("source")
    return [(("spec", "source"), source if isinstance(source, dict) else {})]


def built_here(source: Mapping[str, Any]) -> bool:
    """Whether the source is a folder of this repository that Kustomize (or Argo CD's
    directory source) builds: not a Helm chart (from a Helm repository or an OCI registry,
    rendered by Argo CD) and not a `ref` source that only lends its files."""
    repo = _text(source.get("repoURL"))
    if "chart" in source or repo.startswith("oci://"):
        return False
    return "path" in source or "ref" not in source


def _source(
    app: Manifest,
    name: str,
    project: Manifest | None,
    project_shown: str,
    at: NodePath,
    source: Mapping[str, Any],
) -> Iterator[Finding]:
    repo = _text(source.get("repoURL"))
    if project is not None and not any(
        fnmatchcase(repo, str(p)) for p in _list(get(project.obj, "spec", "sourceRepos"))
    ):
        yield SOURCE_DENIED.finding(
            f"{name} pulls from {show(source.get('repoURL'))}, which project {project_shown} "
            "does not allow; use the catalog's repository or add it to the project's sourceRepos",
            app.position(*at, "repoURL"),
            app.resource,
        )


def _path(
    app: Manifest,
    name: str,
    project: Manifest | None,
    project_shown: str,
    at: NodePath,
    source: Mapping[str, Any],
    ctx: ArgoContext,
) -> Iterator[Finding]:
    path = _text(source.get("path"))
    built = ctx.built.get(path)
    where = app.position(*at, "path")
    if built is not None and not built.exists:
        yield PATH_BUILDS.finding(
            f"{name} syncs path '{path}', which does not exist in the repository; "
            "run 'gitopsgen generate' or fix the path",
            where,
            app.resource,
        )
    elif built is not None and built.error:
        first = built.error.splitlines()[0]
        yield PATH_BUILDS.finding(
            f"{name}: path '{path}' does not build with Kustomize: {first}",
            where,
            app.resource,
        )
    elif built is not None and project is not None:
        yield from _kinds(app, name, project, project_shown, built, where)


def _kinds(
    app: Manifest,
    name: str,
    project: Manifest,
    project_shown: str,
    built: Built,
    where: Position,
) -> Iterator[Finding]:
    """A finding per kind of `built` that the project does not let the Application deploy."""
    denied: dict[str, str] = {}
    for obj in built.objects:
        problem = _kind_problem(project, obj)
        if problem:
            denied.setdefault(str(obj.get("kind")), problem)
    for kind, problem in sorted(denied.items()):
        yield KIND_DENIED.finding(
            f"{name} deploys a {kind}, which {problem} of {project_shown}; "
            "Argo CD will refuse to sync it",
            where,
            app.resource,
        )


def _application(app: Manifest, ctx: ArgoContext) -> Iterator[Finding]:
    spec = app.obj.get("spec", {})
    name = app.label(quoted=True)
    project_name = _text(spec.get("project"))
    project_shown = show(spec.get("project"))
    project = ctx.projects.get(project_name)
    if project is None:
        yield PROJECT_MISSING.finding(
            f"{name} uses project {project_shown}, which no AppProject in the "
            "tree defines; fix the name or add the project to the catalog",
            app.position("spec", "project"),
            app.resource,
        )
    for at, source in application_sources(spec):
        yield from _source(app, name, project, project_shown, at, source)
    destination = spec.get("destination", {}) if isinstance(spec.get("destination"), dict) else {}
    server = _text(destination.get("server"))
    namespace = _text(destination.get("namespace"))
    if project is not None and not _destination_allowed(
        project, server, _text(destination.get("name")), namespace
    ):
        yield DESTINATION_DENIED.finding(
            f"{name} deploys to {server or _text(destination.get('name')) or 'null'} namespace "
            f"{show(destination.get('namespace'))}, which project {project_shown} does not allow; "
            "fix the destination "
            "or the project's destinations",
            app.position("spec", "destination"),
            app.resource,
        )
    for at, source in application_sources(spec):
        if built_here(source):
            yield from _path(app, name, project, project_shown, at, source, ctx)
        elif "ref" not in source and project is not None and app.name in ctx.charts:
            where = app.position(*at, "chart" if "chart" in source else "repoURL")
            yield from _kinds(app, name, project, project_shown, ctx.charts[app.name], where)
    environment = ctx.manual_sync(server, namespace)
    if environment and isinstance(get(spec, "syncPolicy", "automated"), dict):
        yield AUTO_SYNC.finding(
            f"{name} syncs automatically, but the catalog syncs '{environment}' by "
            "hand (sync: manual); remove syncPolicy.automated or change the catalog",
            app.position("spec", "syncPolicy", "automated"),
            app.resource,
            environment,
        )


def check_argocd(ctx: ArgoContext) -> list[Finding]:
    return [f for app in ctx.applications for f in _application(app, ctx)]


def applications_and_projects(
    manifests: Sequence[Manifest],
) -> tuple[tuple[Manifest, ...], dict[str, Manifest]]:
    apps = tuple(m for m in manifests if m.kind == "Application")
    projects = {m.name: m for m in manifests if m.kind == "AppProject"}
    return apps, projects

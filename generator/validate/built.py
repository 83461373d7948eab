"""Rules over Kustomize-built objects, with every finding moved to the file on disk that
wrote the node, and a pointer to the catalog entry the object came from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.builds import parsed
from generator.builds.cache import Cache
from generator.catalog.model import App, Catalog, Environment
from generator.charts.sources import template_position
from generator.charts.targets import ChartTarget
from generator.constants import NAMESPACE_DIR
from generator.finding import Finding, Position, Resource
from generator.kustomize import Build
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, NodePath
from generator.manifest_yaml import load_manifests
from generator.render.overlay import host
from generator.rule import ManifestRule, RuleContext
from generator.validate.lint import run_rules
from generator.validate.sourcemap import Files, SourceMap

BUILT = "#built"


@dataclass(frozen=True)
class BuiltFolder:
    folder: str  # overlays/<env>/<app or _namespace>
    environment: str
    app: str | None  # None for the _namespace guardrails
    manifests: tuple[Manifest, ...]
    chart: ChartTarget | None = None  # a chart rendered by Helm, not a Kustomize folder
    templates: tuple[str, ...] = ()  # of a chart: the template of each manifest
    sources: Mapping[str, str] = field(default_factory=dict)  # of a chart: template -> text


def load_build(
    build: Build,
    root: Path,
    environment: str,
    limits: Limits = MANIFESTS,
    cache: Cache | None = None,
) -> BuiltFolder:
    """The manifests a folder built to, numbered; parsed once per output (`cache`)."""
    folder = build.folder.relative_to(root).as_posix()
    app = build.folder.name if build.folder.name != NAMESPACE_DIR else None
    if not build.ok:
        return BuiltFolder(folder, environment, app, ())
    path = folder + BUILT
    manifests = parsed.manifests(
        build.output,
        path,
        limits,
        cache,
        lambda: numbered(load_manifests(build.output, path, limits)),
    )
    return BuiltFolder(folder, environment, app, manifests)


def numbered(manifests: Sequence[Manifest]) -> tuple[Manifest, ...]:
    """Give every node of the built output its own (number, 1) position: a finding's
    position then names exactly one node, even where an item and its first key share a
    line and column in the built text."""
    numbered = []
    counter = 0
    for manifest in manifests:
        positions: dict[NodePath, tuple[int, int]] = {}
        for node in manifest.positions:
            counter += 1
            positions[node] = (counter, 1)
        numbered.append(replace(manifest, positions=positions))
    return tuple(numbered)


def context(catalog: Catalog, env: Environment) -> RuleContext:
    return RuleContext(
        kubernetes_version=catalog.cluster(env.cluster).kubernetes_version,
        pod_security_level=env.pod_security,
        image_policy=env.image_policy,
        min_replicas=env.min_replicas,
        environment=env.name,
        namespace=env.namespace,
        access={
            group: role for team, role in env.access.items() for group in catalog.team(team).groups
        },
        ingress_hosts={
            app.name: found
            for app in catalog.apps
            if app.has_ingress and (found := host(app, env)) is not None
        },
        backups=env.backup_location is not None,
    )


def _index(manifests: Sequence[Manifest]) -> dict[tuple[int, int], tuple[Manifest, NodePath]]:
    """The numbered position of each built node -> that node."""
    return {position: (m, node) for m in manifests for node, position in m.positions.items()}


def check_environment(
    root: Path,
    catalog: Catalog,
    env: Environment,
    folders: Sequence[BuiltFolder],
    rules: Sequence[ManifestRule],
    files: Files,
    limits: Limits = MANIFESTS,
    beside: Sequence[BuiltFolder] = (),
) -> tuple[list[Finding], list[ManifestRule]]:
    """Every rule in force for `env` over all its built objects at once (quota and network
    rules need the whole namespace); findings mapped back to files on disk. The objects of
    the folders `beside` are read by the rules, but their own findings are not reported (a
    `validate --shard` reads the `_namespace` whose findings another shard reports)."""
    manifests = [m for folder in (*folders, *beside) for m in folder.manifests]
    findings, in_force = run_rules(manifests, context(catalog, env), rules)
    by_folder = {f.folder + BUILT: f for f in folders}
    unreported = {f.folder + BUILT for f in beside}
    # Read only for a folder that has a finding: a clean environment reads no source file.
    maps: dict[str, SourceMap] = {}
    indexes: dict[str, dict[tuple[int, int], tuple[Manifest, NodePath]]] = {}
    mapped: list[Finding] = []
    for finding in findings:
        key = finding.path
        if key in unreported:
            continue
        folder = by_folder.get(key)
        if folder is None:
            mapped.append(finding)
            continue
        if key not in indexes:
            indexes[key] = _index(folder.manifests)
        hit = indexes[key].get((finding.line, finding.column))
        if folder.chart is not None:
            moved = replace(chart_finding(finding, folder, hit), environment=env.name)
            app = next((a for a in catalog.apps if a.name == folder.app), None)
            if app is None or not _suppresses(app, moved):
                mapped.append(moved)
            continue
        if key not in maps:
            maps[key] = SourceMap(root, folder.folder, files, limits)
        position = maps[key].locate(*hit) if hit else maps[key].fallback
        shared = position.path.startswith("base/")
        origin = catalog_origin(catalog, folder, shared)
        message = f"{finding.message}; catalog entry: {origin}" if origin else finding.message
        mapped.append(replace(finding, position=position, message=message, environment=env.name))
    kept = [f for f in mapped if not suppressed(catalog, f)]
    # A node in base/ is the same in every environment: report it once, without one.
    return [_shared(f) if f.path.startswith("base/") else f for f in kept], in_force


def chart_finding(
    finding: Finding, folder: BuiltFolder, hit: tuple[Manifest, NodePath] | None
) -> Finding:
    """A finding on a chart's output, at the catalog entry that rendered it, saying from
    which template, chart and values."""
    assert folder.chart is not None
    target = folder.chart
    template = ""
    at = (
        None
        if hit is None
        else next((i for i, m in enumerate(folder.manifests) if m is hit[0]), None)
    )
    if hit is not None and at is not None:
        name = folder.templates[at]
        source = folder.sources.get(name)
        line = f":{template_position(source, hit[1], hit[0].document)[0]}" if source else ""
        template = f"{name}{line} of "
    message = f"{finding.message}; rendered by Helm from {template}{target.describe()}"
    return replace(finding, position=target.entry, message=message)


def _shared(finding: Finding) -> Finding:
    resource = finding.resource
    if resource is not None:
        resource = Resource(resource.kind, resource.name)
    return replace(finding, environment=None, resource=resource)


def catalog_origin(catalog: Catalog, folder: BuiltFolder, shared: bool) -> Position | None:
    """The catalog entry an object came from: the app (for base/), the app in the
    environment (for its overlay), or the environment (for _namespace)."""
    if folder.app is None:
        key: tuple[str, ...] = ("environments", folder.environment)
    elif shared:
        key = ("apps", folder.app)
    else:
        key = ("apps", folder.app, "environments", folder.environment)
    found = catalog.positions.get(key)
    return Position(catalog.path, *found) if found else None


def suppressed(catalog: Catalog, finding: Finding) -> bool:
    """Whether the app whose files the finding points into suppresses its rule there."""
    app = _app_of_path(finding.path, catalog)
    return app is not None and _suppresses(app, finding)


def _suppresses(app: App, finding: Finding) -> bool:
    return any(
        s.rule == finding.rule and (not s.environments or finding.environment in s.environments)
        for s in app.suppressions
    )


def _app_of_path(path: str, catalog: Catalog) -> App | None:
    """The app of base/<app>/... or overlays/<env>/<app>/..., if the catalog has it."""
    parts = path.split("/")
    if parts[0] == "base" and len(parts) > 2:
        name = parts[1]
    elif parts[0] == "overlays" and len(parts) > 3:
        name = parts[2]
    else:
        return None
    return next((a for a in catalog.apps if a.name == name), None)

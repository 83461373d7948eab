"""The Argo CD part of `validate`: the Applications and AppProjects on disk, their schemas,
and what each Application's source path builds to."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from generator.catalog.model import Catalog
from generator.constants import ARGOCD_DIR
from generator.errors import InputError
from generator.finding import Finding, Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, RuleContext
from generator.rules.argocd import (
    ArgoContext,
    Built,
    application_sources,
    applications_and_projects,
    built_here,
    check_argocd,
)
from generator.rules.tree import ARGOCD_KINDS, ArgoObjects
from generator.validate.lint import read_manifests, run_rules
from generator.validate.shard import Shard

_BRACES = re.compile(r"\{([^{}]*)\}")
_GLOB = re.compile(r"[*?\[]")
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")  # what Argo CD reads from a directory


def argocd_manifests(
    root: Path, limits: Limits = MANIFESTS, only: Collection[str] | None = None
) -> list[Manifest]:
    """The objects of every YAML file under argocd/, or of the files `only` names (paths
    relative to `root`; those that are not there are skipped)."""
    folder = root / ARGOCD_DIR
    if only is not None:
        files = sorted(root / p for p in set(only) if p.endswith(".yaml"))
        files = [p for p in files if p.is_file()]
    else:
        files = sorted(p for p in folder.rglob("*.yaml") if p.is_file()) if folder.is_dir() else []
    manifests: list[Manifest] = []
    for path in files:
        manifests += read_manifests_at(root, path, limits)
    return manifests


def read_manifests_at(root: Path, path: Path, limits: Limits = MANIFESTS) -> list[Manifest]:
    return read_manifests(str(path), limits, path.relative_to(root).as_posix())


def hand_written_objects(root: Path, foreign: Sequence[str]) -> ArgoObjects:
    """The hand-written files under argocd/ (of `foreign`, the files no catalog generates)
    that hold Applications, ApplicationSets or AppProjects, in any manifest Argo CD reads."""
    found: dict[str, tuple[Position, list[str]]] = {}
    for path in foreign:
        if not path.startswith(ARGOCD_DIR + "/") or not path.endswith(MANIFEST_SUFFIXES):
            continue
        try:
            manifests = read_manifests_at(root, root / path)
        except InputError:  # a file that does not parse holds no object Argo CD would apply
            continue
        objects = [m for m in manifests if m.kind in ARGOCD_KINDS]
        if objects:
            named = [f"{m.kind} '{m.name}'" for m in objects]
            found[path] = (objects[0].position("kind"), named)
    return found


def source_paths(applications: Sequence[Manifest]) -> list[str]:
    """Kustomize source paths of Applications in this repository (not directory-include
    sources, not Helm charts, which Argo CD renders)."""
    paths = []
    for app in applications:
        for _, source in application_sources(app.obj.get("spec")):
            path = source.get("path")
            if isinstance(path, str) and "directory" not in source and built_here(source):
                paths.append(path)
    return sorted(set(paths))


def _in_scope(app: Manifest, only: set[str]) -> bool:
    """An Application `validate --changed` checks: one that builds a folder in scope, or
    whose own file is (a chart app's or an add-on's, which build no folder here)."""
    paths = [s.get("path") for _, s in application_sources(app.obj.get("spec"))]
    return app.path in only or any(str(p) in only for p in paths)


def expand_braces(pattern: str) -> list[str]:
    match = _BRACES.search(pattern)
    if not match:
        return [pattern]
    head, tail = pattern[: match.start()], pattern[match.end() :]
    return [p for option in match.group(1).split(",") for p in expand_braces(head + option + tail)]


def directory_source(app: Manifest) -> Mapping[str, Any] | None:
    """The `spec.source` of an Application whose source is a plain directory, else None."""
    source = get(app.obj, "spec", "source")
    return source if isinstance(source, Mapping) and "directory" in source else None


def directory_build(
    root: Path, source: Mapping[str, Any], by_path: Mapping[str, list[Manifest]]
) -> Built:
    """An Argo CD directory source: the YAML files under the path that `include` selects."""
    base = root / str(source.get("path", ""))
    if not base.is_dir():
        return Built(False)
    directory = source.get("directory", {})
    recurse = bool(directory.get("recurse")) if isinstance(directory, Mapping) else False
    include = str(directory.get("include", "*")) if isinstance(directory, Mapping) else "*"
    patterns = expand_braces(include)
    # A root lists every file it syncs: literal names are looked up, not matched one by one
    # (thousands of files against thousands of names).
    literal = {p for p in patterns if not _GLOB.search(p)}
    globs = [p for p in patterns if p not in literal]
    files = base.rglob("*.yaml") if recurse else base.glob("*.yaml")
    objects: list[Mapping[str, Any]] = []
    for path in sorted(files):
        rel = path.relative_to(base).as_posix()
        if rel in literal or any(fnmatchcase(rel, p) for p in globs):
            objects += [m.obj for m in by_path.get(path.relative_to(root).as_posix(), [])]
    return Built(True, tuple(objects))


def check_applications(
    root: Path,
    catalog: Catalog,
    manifests: Sequence[Manifest],
    built: Mapping[str, Built],
    schema_rules: Sequence[ManifestRule],
    only_paths: set[str] | None,
    shard: Shard | None = None,
    charts: Mapping[str, Built] | None = None,
) -> tuple[list[Finding], list[ManifestRule]]:
    """The Argo CD rules on the Applications (those whose source path is in `only_paths`,
    when given) and the schema rules on them and the AppProjects; with a `shard`, on the
    files that shard reports only (every project and Application is still looked up)."""
    applications, projects = applications_and_projects(manifests)
    by_path: dict[str, list[Manifest]] = {}
    for m in manifests:
        by_path.setdefault(m.path, []).append(m)
    builds = dict(built)
    for app in applications:
        source = directory_source(app)
        if source is not None:
            builds[str(source.get("path"))] = directory_build(root, source, by_path)
    reported = [m for m in manifests if shard is None or shard.reports(m.path)]
    applications = tuple(a for a in applications if shard is None or shard.reports(a.path))
    if only_paths is not None:
        applications = tuple(a for a in applications if _in_scope(a, only_paths))
    manual = {
        (catalog.cluster(e.cluster).server, e.namespace): e.name
        for e in catalog.environments
        if e.sync == "manual"
    }
    ctx = ArgoContext(
        applications, projects, builds, lambda server, ns: manual.get((server, ns)), charts or {}
    )
    findings = check_argocd(ctx)
    newest = max(
        (c.kubernetes_version for c in catalog.clusters),
        key=lambda v: tuple(map(int, v.split("."))),
    )
    checked = [
        m for m in reported if only_paths is None or m in applications or m.kind == "AppProject"
    ]
    schema_findings, in_force = run_rules(
        checked, RuleContext(kubernetes_version=newest), schema_rules
    )
    return findings + schema_findings, in_force

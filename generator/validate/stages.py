"""The two checks `validate` runs on what Kustomize built, in the form the findings cache
calls them (generator.validate.cached): an environment's rules on its folders, and the
Argo CD objects with what their source paths build to."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.api import Repository
from generator.builds.cache import Cache
from generator.catalog import names
from generator.catalog.model import Catalog, Environment
from generator.charts.targets import ChartTarget
from generator.kustomize import Build
from generator.limits import Limits
from generator.manifest import Manifest
from generator.manifest_yaml import load_manifests
from generator.rule import ManifestRule
from generator.rules.argocd import Built
from generator.validate import cached
from generator.validate.argocd import check_applications
from generator.validate.built import BuiltFolder, check_environment, load_build
from generator.validate.shard import Shard
from generator.validate.sourcemap import Files


def check_built_environment(
    root: Path,
    catalog: Catalog,
    env: Environment,
    builds: list[Build],
    rules: tuple[ManifestRule, ...],
    sources: Files,
    loaded: dict[str, BuiltFolder],
    limits: Limits,
    beside: list[Build],
    charts: Sequence[BuiltFolder] = (),
    cache: Cache | None = None,
) -> cached.Checked:
    """The rules of `env` on the folders built to `builds` and the charts Helm rendered for
    it (`beside`: folders read only as context, e.g. a shard's `_namespace`); each read
    folder is kept in `loaded`, and its parse in `cache`."""
    folders = [load_build(build, root, env.name, limits, cache) for build in builds]
    context = [load_build(build, root, env.name, limits, cache) for build in beside]
    loaded.update({f.folder: f for f in (*folders, *context)})
    return check_environment(
        root, catalog, env, [*folders, *charts], rules, sources, limits, context
    )


def check_argocd_objects(
    repo: Repository,
    catalog: Catalog,
    argo: list[Manifest],
    builds: dict[str, Build],
    loaded: dict[str, BuiltFolder],
    wanted: list[str],
    schema_rules: list[ManifestRule],
    only: set[str] | None,
    limits: Limits,
    shard: Shard | None,
    charts: Sequence[BuiltFolder] = (),
) -> cached.Checked:
    """The Argo CD rules and schemas on the Applications and AppProjects in `argo`, with what
    each source path built to (read again only where no environment read it) and what each
    chart app's and add-on's chart rendered to (`charts`)."""
    built = {path: _built(build, loaded.get(path), limits) for path, build in builds.items()}
    for path in wanted:
        built.setdefault(path, Built((repo.root / path).is_dir()))
    rendered = {
        _application_name(f.chart): Built(True, tuple(m.obj for m in f.manifests))
        for f in charts
        if f.chart is not None
    }
    return check_applications(repo.root, catalog, argo, built, schema_rules, only, shard, rendered)


def _application_name(target: ChartTarget) -> str:
    """The Application the generator writes for a chart app in an environment or an add-on."""
    if target.environment is None:
        return names.addon_application_name(target.cluster, target.name)
    return names.application_name(target.environment, target.name)


def _built(build: Build, folder: BuiltFolder | None, limits: Limits) -> Built:
    """What a folder built to, for the Argo CD rules (folders no environment checked, such
    as a hand-written Application's path, are read here)."""
    if folder is not None:
        return Built(True, tuple(m.obj for m in folder.manifests), build.error)
    objects = load_manifests(build.output, "built", limits) if build.ok else []
    return Built(True, tuple(m.obj for m in objects), build.error)

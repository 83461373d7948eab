"""What runs where, from the catalog alone: per app and environment the version, how it
compares with the environments it promotes from, hotfixes and disabled pairs; and the
cluster add-ons, each compared with its source clusters. Pure data for the status reporters
(generator/report/status_*.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from generator.catalog.cluster_order import addon, addon_sources, clusters_in_order
from generator.catalog.model import Addon, App, Catalog, Chart, Deployment, Environment
from generator.k8s.imageref import split_version
from generator.semver import compare_versions


class Comparison(StrEnum):
    """How an environment's version stands to one of its sources' (`promotesFrom`)."""

    SAME = "same"  # the same version (a digest added on one side only is the same version)
    BEHIND = "behind"  # SemVer older than the source's: not promoted yet
    AHEAD = "ahead"  # SemVer newer than the source's (a hotfix, or a source rolled back)
    DIFFERS = "differs"  # another version where the two cannot be ordered (not both SemVer)
    DISABLED = "disabled"  # the app does not run in the source: nothing to compare


@dataclass(frozen=True)
class Source:
    environment: str
    version: str | None  # None where the app is disabled in the source
    comparison: Comparison


@dataclass(frozen=True)
class Cell:
    """One app in one environment."""

    app: str
    environment: str
    enabled: bool
    version: str | None  # as the catalog writes it; None where it writes none
    hotfix: str | None  # the hotfix's reason; None where disabled
    sources: tuple[Source, ...]  # in `promotesFrom` order; none where disabled

    def compared(self, comparison: Comparison) -> tuple[Source, ...]:
        return tuple(s for s in self.sources if s.comparison is comparison)

    @property
    def apart(self) -> tuple[Source, ...]:
        """The sources whose version this one is not (behind, ahead of or different from)."""
        return tuple(s for s in self.sources if s.comparison in APART)


APART = (Comparison.BEHIND, Comparison.AHEAD, Comparison.DIFFERS)


@dataclass(frozen=True)
class ClusterSource:
    """How an add-on's version on a cluster stands to its version on a source cluster."""

    cluster: str
    version: str
    comparison: Comparison


@dataclass(frozen=True)
class Row:
    app: str
    team: str
    chart: Chart | None  # a chart app: its versions are chart versions
    cells: tuple[Cell, ...]  # in promotion order


@dataclass(frozen=True)
class Status:
    catalog: str  # the catalog's path as shown
    environments: tuple[Environment, ...]  # promotion order
    rows: tuple[Row, ...]  # by app name
    clusters: tuple[str, ...]  # those of the environments in promotion order, then the rest
    addons: tuple[Addon, ...]  # by name, then cluster in `clusters` order
    # (add-on, cluster) -> the source clusters where the add-on is installed (cluster_order)
    addon_sources: Mapping[tuple[str, str], tuple[ClusterSource, ...]] = field(default_factory=dict)

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(cell for row in self.rows for cell in row.cells)

    @property
    def linear(self) -> bool:
        """Whether each environment promotes from the one before it alone (no DAG)."""
        names = [e.name for e in self.environments]
        return all(
            e.promotes_from == ((names[i - 1],) if i else ())
            for i, e in enumerate(self.environments)
        )


def compare(version: str, source: str) -> Comparison:
    if version == source:
        return Comparison.SAME
    order = compare_versions(version, source)
    if order is None:
        return Comparison.DIFFERS if _tag(version) != _tag(source) else _digests(version, source)
    if order == 0:
        return _digests(version, source)
    return Comparison.BEHIND if order < 0 else Comparison.AHEAD


def _tag(version: str) -> str | None:
    return split_version(version)[0]


def _digests(version: str, source: str) -> Comparison:
    """Same tag: the same version unless both pin a digest and the digests differ."""
    mine, theirs = split_version(version)[1], split_version(source)[1]
    return Comparison.DIFFERS if mine and theirs and mine != theirs else Comparison.SAME


def _cell(app: App, deployment: Deployment, environment: Environment) -> Cell:
    version = deployment.version or None
    if not deployment.enabled:
        return Cell(app.name, environment.name, False, version, None, ())
    sources = []
    for name in environment.promotes_from:
        upstream = app.deployment(name)
        if upstream.enabled:
            comparison = compare(deployment.version, upstream.version)
            sources.append(Source(name, upstream.version, comparison))
        else:
            sources.append(Source(name, upstream.version or None, Comparison.DISABLED))
    return Cell(app.name, environment.name, True, version, deployment.hotfix, tuple(sources))


def _addon_sources(catalog: Catalog, installed: Addon) -> tuple[ClusterSource, ...]:
    found = []
    for name in addon_sources(catalog, installed.name, installed.cluster):
        there = addon(catalog.cluster(name), installed.name)
        assert there is not None  # addon_sources names clusters where it is installed
        found.append(ClusterSource(name, there.version, compare(installed.version, there.version)))
    return tuple(found)


def status(catalog: Catalog) -> Status:
    rows = tuple(
        Row(
            app.name,
            app.team,
            app.chart,
            tuple(_cell(app, d, catalog.environment(d.environment)) for d in app.deployments),
        )
        for app in catalog.apps
    )
    clusters = clusters_in_order(catalog)
    addons = sorted(
        (a for c in catalog.clusters for a in c.addons),
        key=lambda a: (a.name, clusters.index(a.cluster)),
    )
    sources = {(a.name, a.cluster): _addon_sources(catalog, a) for a in addons}
    return Status(catalog.path, catalog.environments, rows, clusters, tuple(addons), sources)

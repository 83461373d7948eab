"""What promoting cluster add-ons does, decided on the catalog model alone: which add-on
versions move from which cluster to which, or why not. Pure: no files, no git.

Clusters are ordered by the environments on them (`generator.catalog.cluster_order`). The
source is the target cluster's one source cluster, or `--from` naming one of several.
Refused unless forced: a source that is not one of the target's (skipping the order, or
two clusters that promote from each other), a version older than the target's (SemVer).
Refused even when forced: an add-on that is not installed on the source (there is no
version) or on the target (promote moves versions; installing an add-on takes its
namespace and values, which are the cluster's own), and an add-on that installs another
chart on the target (its versions are another chart's).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.catalog.cluster_order import (
    addon,
    addon_sources,
    clusters_in_order,
    cyclic,
    source_clusters,
)
from generator.catalog.model import Catalog, Cluster
from generator.errors import GitopsgenError, RefusedError, UsageError
from generator.gitops.promote_source import position, unknown
from generator.manifest import NodePath
from generator.rules.promotion_addons import clusters_named
from generator.semver import compare_versions


@dataclass(frozen=True)
class AddonRequest:
    addons: tuple[str, ...]  # empty with `every`
    target: str  # a cluster
    source: str | None = None  # default: the one cluster `target` promotes from
    every: bool = (
        False  # every add-on installed on both, with the same chart, whose version differs
    )
    force: bool = False


@dataclass(frozen=True)
class AddonMove:
    addon: str
    version: str  # the version promoted (the source cluster's)
    previous: str  # the target cluster's version before


@dataclass(frozen=True)
class AddonPlan:
    source: str  # clusters
    target: str
    moves: tuple[AddonMove, ...]
    unchanged: tuple[AddonMove, ...]  # requested add-ons that already run the source's version

    def edits(self) -> dict[NodePath, str | bool]:
        """The catalog scalars to set, by key path."""
        return {
            ("clusters", self.target, "addons", m.addon, "version"): m.version for m in self.moves
        }


Reason = tuple[bool, GitopsgenError]  # (whether --force overrides it, what is wrong)


def _cluster(catalog: Catalog, name: str) -> Cluster:
    for cluster in catalog.clusters:
        if cluster.name == name:
            return cluster
    raise unknown("cluster", name, [c.name for c in catalog.clusters])


def _first(catalog: Catalog, target: str) -> UsageError:
    """Why `target` has no source cluster to take versions from."""
    where = position(catalog, ("clusters", target))
    others = [c for c in clusters_in_order(catalog) if cyclic(catalog, target, c)]
    if others:
        return UsageError(
            f"cluster '{target}' and {clusters_named(others)} promote from each other (through "
            "the environments on them), so add-ons have no order between them and "
            f"'{target}' promotes from no cluster; pass --from CLUSTER and --force",
            where,
        )
    if not any(e.cluster == target for e in catalog.environments):
        return UsageError(
            f"no environment runs on cluster '{target}', so it promotes from no cluster; pass "
            "--from CLUSTER and --force",
            where,
        )
    return UsageError(
        f"cluster '{target}' is first in promotion order (no environment on it promotes from "
        "an environment on another cluster): there is nothing to promote from; pass --from "
        "CLUSTER and --force",
        where,
    )


def _source(catalog: Catalog, target: str, name: str | None) -> str:
    """The cluster to take versions from: `name` (--from), else the target's one source."""
    if name is not None:
        source = _cluster(catalog, name).name
        if source == target:
            raise UsageError(f"--from and --to both name cluster '{target}'; name two clusters")
        return source
    found = source_clusters(catalog, target)
    if len(found) == 1:
        return found[0]
    if found:
        raise UsageError(
            f"cluster '{target}' promotes from {clusters_named(found)}; pass --from naming the "
            f"one to take the versions from (e.g. --from {found[0]})",
            position(catalog, ("clusters", target)),
        )
    raise _first(catalog, target)


def _skips(catalog: Catalog, source: str, target: str) -> UsageError:
    where = position(catalog, ("clusters", target))
    if cyclic(catalog, source, target):
        return UsageError(
            f"clusters '{source}' and '{target}' promote from each other (through the "
            "environments on them), so add-ons have no order between them; pass --force to "
            f"take the versions from '{source}'",
            where,
        )
    found = source_clusters(catalog, target)
    if not found:
        return UsageError(
            f"cluster '{target}' promotes from no cluster, so any source skips the promotion "
            f"order; pass --force to take the versions from '{source}'",
            where,
        )
    return UsageError(
        f"cluster '{source}' is not a source of cluster '{target}' in promotion order "
        f"('{target}' promotes from {clusters_named(found)}); take the versions from "
        + (found[0] if len(found) == 1 else "one of them")
        + ", or pass --force",
        where,
    )


def _check(catalog: Catalog, name: str, source: Cluster, target: Cluster) -> list[Reason]:
    """Why moving add-on `name` from `source` to `target` is refused, if it is."""
    src, dst = addon(source, name), addon(target, name)
    reasons: list[Reason] = []
    if src is None:
        reasons.append(
            (
                False,
                UsageError(
                    f"add-on '{name}' is not installed on cluster '{source.name}': there is no "
                    f"version to promote; install it there first",
                    position(catalog, ("clusters", source.name, "addons")),
                ),
            )
        )
    if dst is None:
        reasons.append(
            (
                False,
                UsageError(
                    f"add-on '{name}' is not installed on cluster '{target.name}'; promote moves "
                    f"versions only: add it under clusters.{target.name}.addons (its chart, "
                    "namespace and values) first",
                    position(catalog, ("clusters", target.name, "addons")),
                ),
            )
        )
    if src is None or dst is None:
        return reasons
    at = ("clusters", target.name, "addons", name)
    if src.chart.name != dst.chart.name:
        reasons.append(
            (
                False,
                UsageError(
                    f"add-on '{name}' installs the chart '{src.chart.name}' on cluster "
                    f"'{source.name}' and '{dst.chart.name}' on cluster '{target.name}': its "
                    "versions are another chart's; give both clusters the same chart first",
                    position(catalog, (*at, "chart")),
                ),
            )
        )
    elif compare_versions(src.version, dst.version) == -1:
        reasons.append(
            (
                True,
                UsageError(
                    f"add-on {name} {src.version} on cluster {source.name} is older than "
                    f"{dst.version} on cluster {target.name}; pass --force to roll "
                    f"{target.name} back",
                    position(catalog, (*at, "version")),
                ),
            )
        )
    return reasons


def _every(source: Cluster, target: Cluster) -> list[str]:
    """The add-ons installed on both, with the same chart, whose versions differ."""
    return [
        a.name
        for a in source.addons
        if (there := addon(target, a.name)) is not None
        and there.chart.name == a.chart.name
        and there.version != a.version
    ]


def plan_addon_promotion(catalog: Catalog, request: AddonRequest) -> AddonPlan:
    """The moves `request` asks for; UsageError (exit 2) for names that do not exist,
    RefusedError (exit 1) with every reason when the promotion is refused."""
    target = _cluster(catalog, request.target)
    source = _cluster(catalog, _source(catalog, target.name, request.source))
    known = sorted({a.name for c in catalog.clusters for a in c.addons})
    for name in request.addons:
        if name not in known:
            raise unknown("add-on", name, known)
    names = _every(source, target) if request.every else list(dict.fromkeys(request.addons))
    reasons: list[Reason] = []
    moves: list[AddonMove] = []
    unchanged: list[AddonMove] = []
    for name in names:
        src, dst = addon(source, name), addon(target, name)
        if src is not None and dst is not None and src.version == dst.version:
            unchanged.append(AddonMove(name, src.version, dst.version))
            continue
        reasons += _check(catalog, name, source, target)
        if src is not None and dst is not None:
            moves.append(AddonMove(name, src.version, dst.version))
    in_order = source.name in source_clusters(catalog, target.name)
    stands_in = all(source.name in addon_sources(catalog, m.addon, target.name) for m in moves)
    if moves and not (in_order or stands_in):
        reasons.insert(0, (True, _skips(catalog, source.name, target.name)))
    shown = [reason for forceable, reason in reasons if not (forceable and request.force)]
    if shown:
        raise RefusedError(shown)
    return AddonPlan(source.name, target.name, tuple(moves), tuple(unchanged))


def addon_commit_message(plan: AddonPlan) -> str:
    """`Promote add-on cert-manager v1.17.1 to cluster prod (from nonprod)`, or a subject and
    a list for several add-ons."""
    route = f"to cluster {plan.target} (from {plan.source})"
    if len(plan.moves) == 1:
        move = plan.moves[0]
        subject = f"Promote add-on {move.addon} {move.version} {route}"
    else:
        subject = f"Promote {len(plan.moves)} add-ons {route}"
    body = "\n".join(f"- {m.addon}: {m.previous} -> {m.version}" for m in plan.moves)
    return f"{subject}\n\n{body}\n"

"""`promotion-addon-order` and `promotion-hotfix` for cluster add-ons: the version an add-on
runs on a cluster ran first on every cluster that cluster promotes from (the clusters'
order comes from their environments: `generator.catalog.cluster_order`), checked offline
from the git history of catalog.yaml."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.catalog.cluster_order import addon, addon_sources
from generator.catalog.model import Addon, Catalog
from generator.finding import Finding
from generator.gitops.promotion_history import History, Key
from generator.rules.promotion_rules import ADDON_ORDER, HOTFIX, versions_match
from generator.yamlio import Located


def clusters_named(names: Sequence[str], word: str = "and") -> str:
    """`cluster 'a'`, `clusters 'a' and 'b'`, `clusters 'a', 'b' or 'c'`."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) < 2:
        return "cluster " + "".join(quoted)
    return f"clusters {', '.join(quoted[:-1])} {word} {quoted[-1]}"


def check_addon_promotion(
    catalog: Catalog, doc: Located, history: History, changed: frozenset[Key] | None = None
) -> list[Finding]:
    """The promotion findings of the add-ons of the working catalog (`doc`, built into
    `catalog`) against `history`; only the (add-on, cluster) pairs in `changed` unless it
    is None."""
    return [
        finding
        for cluster in catalog.clusters
        for installed in cluster.addons
        if changed is None or (installed.name, cluster.name) in changed
        for finding in _check(catalog, doc, history, installed)
    ]


def _check(catalog: Catalog, doc: Located, history: History, installed: Addon) -> Iterator[Finding]:
    sources = addon_sources(catalog, installed.name, installed.cluster)
    if not sources:
        return
    missing = [s for s in sources if not ran_on(catalog, history, installed, s)]
    at = ("clusters", installed.cluster, "addons", installed.name)
    what = f"version '{installed.version}' of add-on '{installed.name}' on cluster " + (
        f"'{installed.cluster}'"
    )
    if installed.hotfix is not None:
        if not missing:
            yield HOTFIX.finding(
                f"{what} ran on {clusters_named(sources)}, so it is no hotfix; remove its "
                "`hotfix` marker",
                doc.position((*at, "hotfix"), key=True),
            )
        return
    if not missing:
        return
    if history.addons_baseline.get((installed.name, installed.cluster)) == installed.version:
        return
    since = (
        f"catalog history since {history.since}"
        if history.since
        else "working catalog only: no git history"
    )
    yield ADDON_ORDER.finding(
        f"{what} never ran on {clusters_named(missing, 'or')} ({since}); promote it through "
        f"{clusters_named(missing)} first, or mark it `hotfix: {{reason: ...}}`",
        doc.position((*at, "version")),
    )


def ran_on(catalog: Catalog, history: History, installed: Addon, source: str) -> bool:
    """Whether `installed`'s version ran on cluster `source` (where it is installed), in the
    working catalog or the history."""
    evidence = set(history.addons_ran.get((installed.name, source), ()))
    there = addon(catalog.cluster(source), installed.name)
    if there is not None:
        evidence.add(there.version)
    return any(versions_match(installed.version, version) for version in evidence)

"""The promotion order of a catalog's clusters, for their add-ons (`clusters.<c>.addons`):
derived from the environments on them, never written.

Cluster B comes after cluster A when an environment on B promotes from an environment on A
(`promotesFrom`, directly or through environments on B itself, which are on B too): A is
one of B's source clusters. nonprod (dev, staging) -> prod; with qa, staging-eu and
staging-us on nonprod, prod-eu on cluster eu and prod-us on cluster us: nonprod -> eu and
nonprod -> us.

The environments' order is a DAG, the clusters' need not be: dev on A, staging on B, prod
on A makes A come after B and B after A. Clusters that come after each other in this way
(directly or through other clusters) have no order between them: neither is a source of
the other, so their add-ons are promoted between them only with `--force`, and the
`promotion-addon-order` rule asks nothing of them. A catalog is never refused for it: the
order of its environments is valid on its own. A cluster that no environment runs on has
no source and is no source.
"""

from __future__ import annotations

from collections.abc import Mapping

from generator.catalog.model import Addon, Catalog, Cluster


def clusters_in_order(catalog: Catalog) -> tuple[str, ...]:
    """The clusters of the environments in promotion order, then the others by name."""
    seen = dict.fromkeys(e.cluster for e in catalog.environments)
    return (*seen, *sorted(c.name for c in catalog.clusters if c.name not in seen))


def _direct(catalog: Catalog) -> dict[str, set[str]]:
    """cluster -> the other clusters an environment on it promotes from directly."""
    found: dict[str, set[str]] = {c.name: set() for c in catalog.clusters}
    for env in catalog.environments:
        for name in env.promotes_from:
            source = catalog.environment(name).cluster
            if source != env.cluster:
                found.setdefault(env.cluster, set()).add(source)
    return found


def _upstream(direct: Mapping[str, set[str]], cluster: str) -> set[str]:
    """Every cluster `cluster` comes after, directly or through others."""
    found: set[str] = set()
    todo = list(direct.get(cluster, ()))
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(direct.get(name, ()))
    return found


def source_clusters(catalog: Catalog, cluster: str) -> tuple[str, ...]:
    """The clusters `cluster` takes its add-ons' versions from, in `clusters_in_order`
    order: those an environment on it promotes from, except those that come after it too."""
    direct = _direct(catalog)
    found = {c for c in direct.get(cluster, ()) if cluster not in _upstream(direct, c)}
    return tuple(c for c in clusters_in_order(catalog) if c in found)


def cyclic(catalog: Catalog, first: str, second: str) -> bool:
    """Whether two different clusters come after each other (so neither orders the other)."""
    direct = _direct(catalog)
    return (
        first != second
        and first in _upstream(direct, second)
        and second in _upstream(direct, first)
    )


def addon(cluster: Cluster, name: str) -> Addon | None:
    return next((a for a in cluster.addons if a.name == name), None)


def addon_sources(catalog: Catalog, name: str, cluster: str) -> tuple[str, ...]:
    """The clusters a version of add-on `name` must have run on before `cluster`: its source
    clusters where the add-on is installed; in place of one where it is not, that cluster's
    own sources, in turn. Empty where the add-on starts."""
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(source_clusters(catalog, cluster))
    while todo:
        source = todo.pop()
        if source in seen:
            continue
        seen.add(source)
        if addon(catalog.cluster(source), name) is not None:
            found.add(source)
        else:
            todo.extend(source_clusters(catalog, source))
    return tuple(c for c in clusters_in_order(catalog) if c in found)

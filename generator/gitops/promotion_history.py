"""What ran where: the versions of catalog.yaml's git history, the evidence of the
`promotion-` rules.

Every commit reachable from a revision that changed the catalog is read leniently: a
revision that is deleted, is not UTF-8, does not parse or has another shape adds nothing,
and a malformed entry inside a revision is left out on its own. A deployment ran a version
at a commit when that commit's catalog enables it (`enabled` is not false) with that
`version` string; a cluster's add-on ran a version when that commit's catalog installs it
(`clusters.<c>.addons.<name>`) with that `version` string.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.builds.cache import Cache
from generator.gitops import catalog_blobs, git
from generator.limits import CATALOG, Limits

Key = tuple[str, str]  # (app, environment), or (add-on, cluster) for add-ons


@dataclass(frozen=True)
class History:
    ran: Mapping[Key, frozenset[str]]  # every version each (app, environment) ran at a commit
    baseline: Mapping[Key, str]  # the versions of the oldest readable revision
    since: str | None  # that revision's short commit id; None: there is no history
    addons_ran: Mapping[Key, frozenset[str]] = field(default_factory=dict)  # (add-on, cluster)
    addons_baseline: Mapping[Key, str] = field(default_factory=dict)


NO_HISTORY = History({}, {}, None)


def running_versions(data: Any) -> dict[Key, str]:
    """(app, environment) -> version of every deployment a catalog document enables."""
    found: dict[Key, str] = {}
    apps = data.get("apps") if isinstance(data, dict) else None
    if not isinstance(apps, dict):
        return found
    for app, spec in apps.items():
        envs = spec.get("environments") if isinstance(spec, dict) else None
        if not isinstance(envs, dict):
            continue
        for env, values in envs.items():
            if not isinstance(values, dict) or values.get("enabled", True) is False:
                continue
            version = values.get("version")
            if isinstance(version, str):
                found[(str(app), str(env))] = version
    return found


def addon_versions(data: Any) -> dict[Key, str]:
    """(add-on, cluster) -> version of every add-on a catalog document installs."""
    found: dict[Key, str] = {}
    clusters = data.get("clusters") if isinstance(data, dict) else None
    if not isinstance(clusters, dict):
        return found
    for cluster, spec in clusters.items():
        addons = spec.get("addons") if isinstance(spec, dict) else None
        if not isinstance(addons, dict):
            continue
        for name, addon in addons.items():
            version = addon.get("version") if isinstance(addon, dict) else None
            if isinstance(version, str):
                found[(str(name), str(cluster))] = version
    return found


Revision = tuple[dict[Key, str], dict[Key, str]]  # the apps' versions, the add-ons'


def _versions_of(data: Any) -> list[list[list[str]]] | None:
    """The versions of one revision's catalog data as JSON data (generator.gitops.
    catalog_blobs keeps it): [[app, env, version] ...], [[add-on, cluster, version] ...]."""
    if not isinstance(data, dict) or not isinstance(data.get("apps"), dict):
        return None
    return [
        [[*key, version] for key, version in found.items()]
        for found in (running_versions(data), addon_versions(data))
    ]


def _revision(top: Path, blob: str | None, limits: Limits, cache: Cache | None) -> Revision | None:
    if blob is None:
        return None
    found = catalog_blobs.computed(top, cache, "catalog-versions", blob, limits, _versions_of)
    if found is None:
        return None
    apps, addons = found
    return {(a, e): v for a, e, v in apps}, {(a, c): v for a, c, v in addons}


def _repository(catalog_path: Path) -> tuple[Path, str] | None:
    """The work tree holding the catalog and the catalog's path in it, if it has one."""
    top = git.find_root(catalog_path.parent)
    if top is None:
        return None
    return top, git.relative(top, catalog_path)


def read_history(
    catalog_path: Path, rev: str = "HEAD", limits: Limits = CATALOG, cache: Cache | None = None
) -> History:
    """The versions of every commit reachable from `rev` that changed the catalog, each read
    within `limits` (the working catalog's) and once per blob with `cache`
    (generator.gitops.catalog_blobs); NO_HISTORY outside a git work tree or when no such
    commit exists."""
    where = _repository(catalog_path)
    if where is None:
        return NO_HISTORY
    revisions = [
        (r.commit, versions)
        for r in git.history(*where, rev)
        if (versions := _revision(where[0], r.blob, limits, cache)) is not None
    ]
    if not revisions:
        return NO_HISTORY
    oldest_commit, (oldest, oldest_addons) = revisions[-1]  # history() lists the newest first
    return History(
        _ran(versions[0] for _, versions in revisions),
        oldest,
        oldest_commit[:7],
        _ran(versions[1] for _, versions in revisions),
        oldest_addons,
    )


def _ran(revisions: Iterable[dict[Key, str]]) -> dict[Key, frozenset[str]]:
    ran: dict[Key, set[str]] = {}
    for versions in revisions:
        for key, version in versions.items():
            ran.setdefault(key, set()).add(version)
    return {key: frozenset(found) for key, found in ran.items()}


def revision_at(
    catalog_path: Path, rev: str, limits: Limits = CATALOG, cache: Cache | None = None
) -> Revision:
    """The versions of apps and add-ons the catalog enables at `rev`; empty when it is
    absent or unreadable there (or outside a git work tree)."""
    where = _repository(catalog_path)
    if where is None:
        return {}, {}
    top, path = where
    return _revision(top, git.blob_id(top, rev, path), limits, cache) or ({}, {})

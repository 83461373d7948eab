"""What ran where: the versions of catalog.yaml's git history, the evidence of the
`promotion-` rules.

Every commit reachable from a revision that changed the catalog is read leniently: a
revision that is deleted, is not UTF-8, does not parse or has another shape adds nothing,
and a malformed entry inside a revision is left out on its own. A deployment ran a version
at a commit when that commit's catalog enables it (`enabled` is not false) with that
`version` string.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.gitops import git
from generator.limits import CATALOG, Limits
from generator.yamlio import load_plain

Key = tuple[str, str]  # (app, environment)


@dataclass(frozen=True)
class History:
    ran: Mapping[Key, frozenset[str]]  # every version each (app, environment) ran at a commit
    baseline: Mapping[Key, str]  # the versions of the oldest readable revision
    since: str | None  # that revision's short commit id; None: there is no history


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


def _versions(content: bytes | None, limits: Limits) -> dict[Key, str] | None:
    if content is None:
        return None
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    data = load_plain(text, limits)
    if not isinstance(data, dict) or not isinstance(data.get("apps"), dict):
        return None
    return running_versions(data)


def _repository(catalog_path: Path) -> tuple[Path, str] | None:
    """The work tree holding the catalog and the catalog's path in it, if it has one."""
    top = git.find_root(catalog_path.parent)
    if top is None:
        return None
    return top, git.relative(top, catalog_path)


def read_history(catalog_path: Path, rev: str = "HEAD", limits: Limits = CATALOG) -> History:
    """The versions of every commit reachable from `rev` that changed the catalog, each read
    within `limits` (the working catalog's); NO_HISTORY outside a git work tree or when no
    such commit exists."""
    where = _repository(catalog_path)
    if where is None:
        return NO_HISTORY
    revisions = [
        (r.commit, versions)
        for r in git.history(*where, rev)
        if (versions := _versions(r.content, limits)) is not None
    ]
    if not revisions:
        return NO_HISTORY
    ran: dict[Key, set[str]] = {}
    for _commit, versions in revisions:
        for key, version in versions.items():
            ran.setdefault(key, set()).add(version)
    oldest_commit, oldest = revisions[-1]  # history() lists the newest first
    return History({key: frozenset(found) for key, found in ran.items()}, oldest, oldest_commit[:7])


def versions_at(catalog_path: Path, rev: str, limits: Limits = CATALOG) -> dict[Key, str]:
    """The versions the catalog enables at `rev`; empty when it is absent or unreadable there
    (or outside a git work tree)."""
    where = _repository(catalog_path)
    if where is None:
        return {}
    top, path = where
    return _versions(git.show(top, rev, path), limits) or {}

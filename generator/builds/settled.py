"""Values computed from files, kept in the cache (generator.builds.marshalled) under the
stats of every path they read, so a run in which none of those paths changed reads none of
them: what a folder's build reads and its key, what the files under argocd/ hold.

A path's stat is this machine's own view of it (size, modification and change times,
inode, device; a folder's change with every entry added to it or removed): any write to a
file or any entry added to a folder changes it, and so does a symbolic link pointed
elsewhere, as the stat follows the link to another inode. A missing path is kept as
missing, so creating it changes the value too. A value is kept only when every path it read
last changed a while before the computation started (`SETTLED_NS`), as git treats the files
of its index: a file written while or just before it was read, within the clock's grain,
may hold other bytes than those read under the same stat, and is read again next time.

Entries are this machine's view only: they hold stats, never what another machine may see,
and what they keep (a build key, a digest) is the same as the computation gives anywhere.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

from generator.builds import keys, marshalled
from generator.builds.cache import Cache

KIND = "settled"
SETTLED_NS = 2_000_000_000  # a path last changed this long before a run started is settled

Stat = tuple[int, int, int, int, int] | None  # size, mtime, ctime (ns), inode, device


def stat_of(path: str) -> Stat:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino, found.st_dev)


class Settled:
    """One run's memo of values under `scope` (what the values are of, for this run; the
    key holds the tool's digest too). Read from the cache at the first `get`, written back
    by `save` when a value was added."""

    def __init__(self, cache: Cache, scope: Iterable[str]) -> None:
        digest = keys.Digest(KIND).add(keys.tool())
        for part in scope:
            digest.add(part)
        self._cache = cache
        self._key = digest.hexdigest()
        self._started = time.time_ns()
        self._stats: dict[str, Stat] = {}  # this run's stats, each path once
        self._values: dict[str, tuple[tuple[str, ...], tuple[Stat, ...], Any]] | None = None
        self._added = False

    def stat(self, path: str) -> Stat:
        if path not in self._stats:
            self._stats[path] = stat_of(path)
        return self._stats[path]

    def get(self, name: str) -> Any:
        """The value kept under `name`, when no path it read changed since; else None."""
        found = self._kept().get(name)
        if found is None:
            return None
        paths, stats, value = found
        if any(self.stat(p) != s for p, s in zip(paths, stats, strict=True)):
            return None
        return value

    def settled(self, paths: Iterable[str]) -> bool:
        """Whether every path of `paths` last changed a while before this run started (a
        missing one counts as settled: creating it changes its stat)."""
        limit = self._started - SETTLED_NS
        return all((s := self.stat(p)) is None or max(s[1], s[2]) < limit for p in paths)

    def unchanged(self, paths: Iterable[str]) -> bool:
        """Whether every path of `paths` was settled at its first stat in this run and has
        the same stat now (nothing wrote to it since before the run started)."""
        return all(
            p in self._stats and self.settled([p]) and stat_of(p) == self._stats[p] for p in paths
        )

    def put(self, name: str, paths: Sequence[str], value: Any) -> None:
        """Keep `value`, computed in this run from `paths` (files and folders), when every
        one of them is settled; `value` is plain data marshal writes."""
        if not self.settled(paths):
            return
        stats = tuple(self.stat(p) for p in paths)
        self._kept()[name] = (tuple(paths), stats, value)
        self._added = True

    def save(self) -> None:
        if self._added and self._values is not None:
            marshalled.keep(self._cache, KIND, self._key, self._values)
            self._added = False

    def _kept(self) -> dict[str, tuple[tuple[str, ...], tuple[Stat, ...], Any]]:
        if self._values is None:
            self._values = marshalled.found(self._cache, KIND, self._key, _unpack) or {}
        return self._values


def _unpack(found: object) -> dict[str, tuple[tuple[str, ...], tuple[Stat, ...], Any]] | None:
    if not isinstance(found, dict):
        return None
    for item in found.values():
        if not (isinstance(item, tuple) and len(item) == 3):
            return None
        paths, stats, _ = item
        if not (isinstance(paths, tuple) and isinstance(stats, tuple)):
            return None
        if len(paths) != len(stats):
            return None
    return found

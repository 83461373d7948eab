"""`validate --shard K/N`: one of N stable parts of a repository, for a CI matrix.

An app belongs to shard `int(sha256(name).hexdigest(), 16) % N + 1`, with every
environment it runs in: its findings are in one place, the assignment is the same on every
machine and in every run, it does not depend on the catalog's order, and adding or removing
an app moves no other app (changing N does). Each path is reported by exactly one shard:
an app's own files (`base/<app>/`, `overlays/<env>/<app>/`, `argocd/apps/<env>/<app>.yaml`)
by the app's shard, whether or not the catalog still has the app; everything else, what is
global (the catalog, the `_namespace` folders, projects, roots, any other file), by shard 1.
Findings on built objects go with the folder that built them (validate.repository).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from generator.constants import APPS_DIR, BASE_DIR, NAMESPACE_DIR, OVERLAYS_DIR

Pair = tuple[str, str | None]  # (environment, app); an app of None is the `_namespace`
_FORM = re.compile(r"([0-9]+)/([0-9]+)")
EXAMPLE = "e.g. 2/4 for the second of four"


@dataclass(frozen=True)
class Shard:
    index: int  # K, from 1
    count: int  # N

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    def owns(self, app: str | None) -> bool:
        """Whether this shard reports the app's findings; None, what is global, is shard 1's."""
        return shard_of(app, self.count) == self.index if app is not None else self.index == 1

    def reports(self, path: str) -> bool:
        """Whether this shard reports the findings at `path` (see owner)."""
        return self.owns(owner(path))


def parse_shard(text: str) -> Shard:
    """`K/N` with 1 <= K <= N; a ValueError says what is wrong and the form expected."""
    match = _FORM.fullmatch(text)
    if match is None:
        raise ValueError(f"{text!r} is not K/N, shard K of N shards ({EXAMPLE})")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1:
        raise ValueError(f"{text!r} has N = {count}; there is at least one shard ({EXAMPLE})")
    if not 1 <= index <= count:
        raise ValueError(f"{text!r} has K = {index}; K is from 1 to N = {count} ({EXAMPLE})")
    return Shard(index, count)


@lru_cache(maxsize=1 << 16)  # asked once per path of the tree: a few per app
def shard_of(app: str, count: int) -> int:
    """The shard (1 to `count`) an app's folders belong to."""
    return int(hashlib.sha256(app.encode("utf-8")).hexdigest(), 16) % count + 1


def owner(path: str) -> str | None:
    """The app whose files `path` is one of, by its place in the tree; None for the rest."""
    parts = path.split("/")
    if parts[0] == BASE_DIR and len(parts) >= 3:
        return parts[1]
    if parts[0] == OVERLAYS_DIR and len(parts) >= 4 and parts[2] != NAMESPACE_DIR:
        return parts[2]
    if len(parts) == 4 and "/".join(parts[:2]) == APPS_DIR:
        name = parts[3].removesuffix(".yaml")
        return None if name == NAMESPACE_DIR else name
    return None


def shard_pairs(pairs: Iterable[Pair], shard: Shard) -> frozenset[Pair]:
    """What a shard builds of `pairs`: its apps' pairs, and the `_namespace` of every
    environment they run in (the rules of an app read its namespace's guardrails: there
    only as context, its findings are shard 1's); shard 1 also every `_namespace` of `pairs`."""
    pairs = list(pairs)
    mine = {(env, app) for env, app in pairs if app is not None and shard.owns(app)}
    namespaces = {(env, None) for env, _ in mine}
    if shard.owns(None):
        namespaces |= {(env, app) for env, app in pairs if app is None}
    return frozenset(mine | namespaces)


def owned_files(paths: Iterable[str], shard: Shard) -> int:
    """How many of `paths` the shard reports on."""
    return sum(1 for p in paths if shard.reports(p))

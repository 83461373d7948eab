"""Parsed build output kept in the cache (generator.builds.marshalled), under the digest of
the output's text: a folder's build read before is not parsed again. `validate --changed`
reads the whole `_namespace` build of each environment it checks (its NetworkPolicies name
every app); parsing that at 1,000 apps costs most of a second, loading it a tenth of that.

The entry is each manifest's plain data, its positions and its document index; the path is
the caller's. Output that does not parse is not kept: its error is raised every time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from generator.builds import keys, marshalled
from generator.builds.cache import Cache
from generator.limits import Limits
from generator.manifest import Manifest

KIND = "parsed"

Load = Callable[[], Sequence[Manifest]]


def manifests(
    text: str, path: str, limits: Limits, cache: Cache | None, load: Load
) -> tuple[Manifest, ...]:
    """`load()` (the manifests of `text`, each with `path`), from the cache when it holds
    this text; `load` reads the same text the same way every time (its key is the text)."""

    def unpack(found: Any) -> tuple[Manifest, ...] | None:
        if not isinstance(found, list):
            return None
        done = []
        for item in found:
            if not (isinstance(item, tuple) and len(item) == 3):
                return None
            obj, positions, document = item
            if not (isinstance(obj, dict) and isinstance(positions, dict)):
                return None
            done.append(Manifest(path, obj, positions, document))
        return tuple(done)

    key = keys.Digest(KIND).add(keys.tool()).add(repr(limits)).add(text).hexdigest()
    return marshalled.kept(
        cache,
        KIND,
        key,
        lambda: tuple(load()),
        lambda found: [(dict(m.obj), dict(m.positions), m.document) for m in found],
        unpack,
    )

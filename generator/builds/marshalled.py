"""Entries of plain data kept in the cache (generator.builds.cache) in Python's marshal
format: what CPython itself keeps its compiled modules in, beside their sources. Reading
one is about ten times faster than parsing the YAML it was read from.

Every key holds the tool's digest (generator.builds.keys.tool), so an entry under a key was
written by this very code, in the shape it reads; an entry is written whole or not at all.
One that cannot be read, or whose top-level shape is not the expected one, is computed again.
"""

from __future__ import annotations

import marshal
from collections.abc import Callable
from typing import Any, TypeVar

from generator.builds.cache import Cache

T = TypeVar("T")


def kept(
    cache: Cache | None,
    kind: str,
    key: str,
    compute: Callable[[], T],
    pack: Callable[[T], Any],
    unpack: Callable[[object], T | None],
) -> T:
    """`compute()`, or what `unpack` makes of the entry kept under `key` (None: it has
    another shape); what is computed is kept as `pack` makes it. An error `compute` raises
    is raised every time: only a value is kept."""
    if cache is None:
        return compute()
    kept_value = found(cache, kind, key, unpack)
    if kept_value is not None:
        return kept_value
    value = compute()
    keep(cache, kind, key, pack(value))
    return value


def keep(cache: Cache, kind: str, key: str, packed: Any) -> None:
    """Keep `packed` under `key`; a value marshal cannot write is not kept."""
    try:
        data = marshal.dumps(packed)
    except ValueError:
        return
    cache.put_bytes(kind, key, data)


def found(cache: Cache, kind: str, key: str, unpack: Callable[[object], T | None]) -> T | None:
    """What `unpack` makes of the entry kept under `key`; None when there is none, it cannot
    be read or it has another shape."""
    data = cache.get_bytes(kind, key)
    if data is None:
        return None
    try:
        return unpack(marshal.loads(data))
    except (ValueError, EOFError, TypeError):
        return None

"""The catalog at git revisions, read once per blob.

The same bytes at two commits are one git blob, named by its object id, and most commits
of a repository leave catalog.yaml as it was. The versions that ran at a revision (for the
promotion rules) are computed from a blob once per process, and kept in the cache
(generator.builds.cache) under the blob's id, the tool and the limits it was read within:
a later run reads no revision an earlier one read. A kept entry that cannot be read is
computed again. The base revision's plain data (for `--changed`'s scope) is the parse
kept for its text (generator.builds.catalogs).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.builds import catalogs, keys
from generator.builds.cache import Cache
from generator.errors import InputError
from generator.gitops import git
from generator.limits import Limits
from generator.yamlio import load_plain

_MISSING = object()
# (kind, blob, limits) -> what was computed; a blob's id names its bytes in any repository.
_MEMO: dict[tuple[str, str, str], Any] = {}
_MEMO_MAX = 1_000


def computed(
    root: Path,
    cache: Cache | None,
    kind: str,
    blob: str,
    limits: Limits,
    compute: Callable[[Any], Any],
) -> Any:
    """`compute` of the plain data of the blob `blob` of the repository at `root` (None when
    it is not UTF-8 or does not parse within `limits`); what it gives must be JSON data
    (lists, not tuples), and callers must not change it."""
    memo = (kind, blob, repr(limits))
    found = _MEMO.get(memo, _MISSING)
    if found is not _MISSING:
        return found
    key = keys.Digest(kind).add(keys.tool()).add(blob).add(memo[2]).hexdigest()
    text = cache.get(kind, key) if cache is not None else None
    if text is not None:
        try:
            found = json.loads(text)
        except ValueError:
            found = _MISSING
    if found is _MISSING:
        found = compute(_plain(root, blob, limits))
        if cache is not None:
            cache.put(kind, key, json.dumps(found, ensure_ascii=False))
    if len(_MEMO) >= _MEMO_MAX:
        _MEMO.clear()
    _MEMO[memo] = found
    return found


_LAST: dict[tuple[str, str], Any] = {}  # the last blob parsed: its plain data serves each kind


def _text(root: Path, blob: str) -> str | None:
    try:
        return git.blob_bytes(root, blob).decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


def _plain(root: Path, blob: str, limits: Limits) -> Any:
    last = (blob, repr(limits))
    if last not in _LAST:
        text = _text(root, blob)
        _LAST.clear()
        _LAST[last] = None if text is None else load_plain(text, limits)
    return _LAST[last]


def plain_at(root: Path, cache: Cache | None, rev: str, path: str, limits: Limits) -> Any:
    """The plain data of `path` (relative to the work tree top `root`) at `rev`: None when
    it is absent there or cannot be read within `limits`. Its parse is the one kept for
    its text (generator.builds.catalogs): the catalog a commit holds was most often read
    by the generate or validate before it."""
    blob = git.blob_id(root, rev, path)
    if blob is None:
        return None
    last = (blob, repr(limits))
    if last not in _LAST:
        text = _text(root, blob)
        try:
            data = None if text is None else catalogs.plain(text, path, limits, cache)
        except InputError:
            data = None
        _LAST.clear()
        _LAST[last] = data
    return _LAST[last]

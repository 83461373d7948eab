"""Parsed catalogs kept in the cache (generator.builds.cache), under the text's digest: a
catalog read before is not parsed again. `generate` after an edit parses the new text, and
`validate --changed` in the pre-commit hook then reads the same text, and at the next
commit the same text again as the base revision's (generator.gitops.catalog_blobs).

Parsing costs about 0.6 s a megabyte of catalog (libyaml's events, each built in Python);
loading the kept entry, a tenth of that. The entry is the plain data and the positions of
every key and value, in Python's marshal format: what CPython itself keeps its compiled
modules in, beside their sources. It is written by gitopsgen in the user's own cache
folder; one that cannot be read, or has another shape, is parsed again. Only a catalog that
parses is kept: an error is raised from the text every time, with its position.
"""

from __future__ import annotations

import marshal
from typing import Any

from generator.builds import keys
from generator.builds.cache import Cache
from generator.limits import Limits
from generator.yamlio import Located, load_located

KIND = "catalog"


def _key(text: str, limits: Limits) -> str:
    return keys.Digest(KIND).add(keys.tool()).add(repr(limits)).add(text).hexdigest()


def _positions(found: Any) -> bool:
    return isinstance(found, dict) and all(
        isinstance(k, tuple) and isinstance(v, tuple) and len(v) == 2 for k, v in found.items()
    )


def located(text: str, shown: str, limits: Limits, cache: Cache | None) -> Located:
    """load_located(text, shown, limits), from the cache when it holds this text."""
    if cache is None:
        return load_located(text, shown, limits)
    key = _key(text, limits)
    data = cache.get_bytes(KIND, key)
    if data is not None:
        try:
            parsed = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            parsed = None
        if isinstance(parsed, tuple) and len(parsed) == 3:
            plain, at_keys, at_values = parsed
            if _positions(at_keys) and _positions(at_values):
                return Located(shown, plain, at_keys, at_values, tuple(text.splitlines()))
    doc = load_located(text, shown, limits)
    cache.put_bytes(KIND, key, marshal.dumps((doc.data, doc.keys, doc.values)))
    return doc

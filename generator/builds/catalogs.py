"""Parsed catalogs kept in the cache (generator.builds.marshalled), under the text's digest:
a catalog read before is not parsed again. `generate` after an edit parses the new text,
and `validate --changed` in the pre-commit hook then reads the same text, and at the next
commit the same text again as the base revision's (generator.gitops.catalog_blobs).

Parsing costs about 0.6 s a megabyte of catalog (libyaml's events, each built in Python);
loading the kept entry, a tenth of that. The entry is the plain data and the positions of
every key and value. Only a catalog that parses is kept: an error is raised from the text
every time, with its position.
"""

from __future__ import annotations

from typing import Any

from generator.builds import keys, marshalled
from generator.builds.cache import Cache
from generator.limits import Limits
from generator.yamlio import Located, load_located

KIND = "catalog"
PLAIN = "catalog-plain"


def _key(text: str, limits: Limits) -> str:
    return keys.Digest(KIND).add(keys.tool()).add(repr(limits)).add(text).hexdigest()


def located(text: str, shown: str, limits: Limits, cache: Cache | None) -> Located:
    """load_located(text, shown, limits), from the cache when it holds this text."""

    def unpack(found: Any) -> Located | None:
        if not (isinstance(found, tuple) and len(found) == 3):
            return None
        plain, at_keys, at_values = found
        if not (isinstance(at_keys, dict) and isinstance(at_values, dict)):
            return None
        return Located(shown, plain, at_keys, at_values, tuple(text.splitlines()))

    def parse() -> Located:
        doc = load_located(text, shown, limits)
        if cache is not None:  # the plain data alone too, for `plain`
            marshalled.keep(cache, PLAIN, _key(text, limits), (doc.data,))
        return doc

    return marshalled.kept(
        cache,
        KIND,
        _key(text, limits),
        parse,
        lambda doc: (doc.data, doc.keys, doc.values),
        unpack,
    )


def plain(text: str, shown: str, limits: Limits, cache: Cache | None) -> Any:
    """located(...).data, without reading the positions when the cache holds this text
    (a third of the entry to read: what the base revision of `validate --changed` needs)."""
    if cache is not None:
        found = marshalled.found(cache, PLAIN, _key(text, limits), _one)
        if found is not None:
            return found[0]
    return located(text, shown, limits, cache).data


def _one(found: Any) -> tuple[Any] | None:
    return found if isinstance(found, tuple) and len(found) == 1 else None

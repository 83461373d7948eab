"""Rendered trees kept in the cache (generator.builds.marshalled), under the key of the
catalog they were rendered from (generator.validate.cached.KeptCatalog: the tool, the
catalog's path and its text): a catalog rendered before is not rendered again.

Rendering is a pure function of the catalog model (generator.render), and a catalog that
loads without an error is a pure function of its text, so the key is the whole input. A
no-op `generate` and a `validate` after `generate` of the same text then render nothing:
at 1,000 apps the render costs about a second, loading the tree's 30 MB a few hundredths.
"""

from __future__ import annotations

from typing import Any

from generator.builds import keys, marshalled
from generator.builds.cache import Cache
from generator.catalog.model import Catalog
from generator.render import render
from generator.render.tree import Tree

KIND = "tree"


def _key(catalog_key: str) -> str:
    return keys.Digest(KIND).add(catalog_key).hexdigest()


def _unpack(found: Any) -> Tree | None:
    return found if isinstance(found, dict) else None


def whole(catalog: Catalog, catalog_key: str | None, cache: Cache | None) -> Tree:
    """render(catalog), from the cache when the catalog of `catalog_key` was rendered
    before (None: no key, render)."""
    if catalog_key is None:
        return render(catalog)
    return marshalled.kept(cache, KIND, _key(catalog_key), lambda: render(catalog), dict, _unpack)


def kept(catalog_key: str | None, cache: Cache | None) -> Tree | None:
    """The whole tree of the catalog of `catalog_key` when one was kept, else None."""
    if catalog_key is None or cache is None:
        return None
    return marshalled.found(cache, KIND, _key(catalog_key), _unpack)

"""Compiled schema pre-checks kept in the cache (generator.builds.cache): fastjsonschema
compiles a schema to Python code (generator.k8s.schema_fast), and compiling it costs about
as much as the checks of a thousand objects; a later run takes the compiled code.

The entry is a marshalled code object, keyed by the tool (its code and the bundled schemas),
the schema, this interpreter and fastjsonschema's version: what CPython itself keeps in
__pycache__ beside a module's source, and runs as it does. It is written by gitopsgen in
the user's own cache folder, like every entry; one that cannot be read is compiled again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from generator.builds import keys
from generator.builds.cache import Cache
from generator.k8s import schema_fast

KIND = "precheck"


class _Kept:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache

    def _key(self, name: str) -> str:
        return keys.Digest(KIND).add(keys.tool()).add(name).hexdigest()

    def get(self, name: str) -> bytes | None:
        return self.cache.get_bytes(KIND, self._key(name))

    def put(self, name: str, data: bytes) -> None:
        self.cache.put_bytes(KIND, self._key(name), data)


@contextmanager
def kept(cache: Cache | None) -> Iterator[None]:
    """Within: the pre-checks compiled before are taken from `cache`, and new ones kept."""
    if cache is None:
        yield
        return
    schema_fast.STORES.append(_Kept(cache))
    try:
        yield
    finally:
        schema_fast.STORES.pop()

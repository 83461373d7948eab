"""A fast yes/no answer to "does this object fit its schema?", for kinds a run checks often.

jsonschema walks the schema for every object (a Deployment costs milliseconds); fastjsonschema
compiles a schema into Python code once (a few hundred milliseconds) and then answers in tens
of microseconds. The answer is only a pre-check: an object it passes has no problem, and an
object it refuses is checked again by jsonschema, whose errors are the messages users see.
So findings are jsonschema's either way, and only the time changes.

The Kubernetes schemas use `type`, `enum`, `oneOf`, `items`, `required`,
`additionalProperties`, `format` and `$ref`, and the catalog schema (generator.catalog.schema)
also `anyOf`, `const`, `pattern`, `minimum`, `maximum`, `minItems`, `minLength`,
`minProperties`, `maxProperties` and `uniqueItems`: all mean the same in draft 7
(fastjsonschema) and 2020-12 (jsonschema), and formats are not checked by either.
tests/test_schema_fast.py holds the two to the same verdict on every object of the golden
trees, the rule examples and the real applications, and on catalogs broken in many ways.
"""

from __future__ import annotations

import marshal
import re
import sys
from collections.abc import Callable, Mapping
from types import CodeType
from typing import Any, Protocol

import fastjsonschema

Check = Callable[[Any], bool]
Definitions = Callable[[], Mapping[str, Any] | None] | None  # what `$ref`s outside point at


class CodeStore(Protocol):
    """Where compiled pre-checks are kept between runs (generator.builds.prechecks)."""

    def get(self, name: str) -> bytes | None: ...

    def put(self, name: str, data: bytes) -> None: ...


# The store of this process, when a command keeps pre-checks (generator.builds.prechecks).
STORES: list[CodeStore] = []
_ENTRY = re.compile(r"^def (\w+)\(", re.MULTILINE)  # the first function: the schema's own


def _code(schema: Mapping[str, Any], definitions: Definitions) -> tuple[str, CodeType]:
    """fastjsonschema's code for `schema` as a Python code object, and its entry's name."""

    def fetch(uri: str) -> Mapping[str, Any]:
        found = None if definitions is None else definitions()
        if found is None:
            raise LookupError(f"no schema at {uri}")
        return found

    source = fastjsonschema.compile_to_code(
        dict(schema),
        handlers={"https": fetch, "http": fetch},
        use_default=False,  # never write defaults into the object checked
        use_formats=False,  # as jsonschema without a format checker
    )
    found = _ENTRY.search(source)
    if found is None:
        raise LookupError("no function in the generated code")
    return found[1], compile(source, "<fastjsonschema>", "exec")


def _kept(name: str | None) -> tuple[str, CodeType] | None:
    if name is None or not STORES:
        return None
    data = STORES[-1].get(name)
    try:
        kept = marshal.loads(data) if data is not None else None
    except (ValueError, EOFError, TypeError):
        return None
    if isinstance(kept, tuple) and len(kept) == 2:
        entry, code = kept
        if isinstance(entry, str) and isinstance(code, CodeType):
            return entry, code
    return None


def is_kept(name: str) -> bool:
    """Whether the store of this process keeps a compiled pre-check under `name`."""
    return _kept(store_key(name)) is not None


def seen_before(name: str) -> bool:
    """Whether an earlier run with this process's store checked objects of the schema
    `name`; this run is noted for the next one."""
    if not STORES:
        return False
    marker = f"seen\0{name}"
    if STORES[-1].get(marker) is not None:
        return True
    STORES[-1].put(marker, b"")
    return False


def store_key(name: str) -> str:
    """What a kept pre-check is also keyed by: this interpreter and fastjsonschema (a code
    object is only read by the Python that wrote it)."""
    return f"{name}\0{sys.implementation.cache_tag}\0{fastjsonschema.VERSION}"


def compile_check(
    schema: Mapping[str, Any], definitions: Definitions, name: str | None = None
) -> Check | None:
    """A pre-check for `schema`, whose `$ref`s outside itself all point at what
    `definitions` gives (the bundled `_definitions.json`, read only to compile); None when
    fastjsonschema cannot compile it (then jsonschema checks every object, as without a
    pre-check). With a `name` (what tells the schema apart among gitopsgen's own), a store
    in STORES keeps its compiled code."""
    key = None if name is None else store_key(name)
    try:
        kept = _kept(key)
        entry, code = kept or _code(schema, definitions)
        namespace: dict[str, Any] = {}
        exec(code, namespace)  # fastjsonschema's own generated code, as its compile() runs it
        validate = namespace[entry]
    except Exception:  # its compile errors come in several types: check without it
        return None
    if key is not None and kept is None and STORES:
        STORES[-1].put(key, marshal.dumps((entry, code)))

    def check(obj: Any) -> bool:
        try:
            validate(obj)
        except fastjsonschema.JsonSchemaValueException:
            return False
        except Exception:  # anything it cannot decide, jsonschema decides
            return False
        return True

    return check

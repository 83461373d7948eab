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

from collections.abc import Callable, Mapping
from typing import Any

import fastjsonschema

Check = Callable[[Any], bool]


def compile_check(schema: Mapping[str, Any], definitions: Mapping[str, Any] | None) -> Check | None:
    """A pre-check for `schema`, whose `$ref`s outside itself all point at `definitions`
    (the bundled `_definitions.json`); None when fastjsonschema cannot compile it (then
    jsonschema checks every object, as without a pre-check)."""

    def fetch(uri: str) -> Mapping[str, Any]:
        if definitions is None:
            raise LookupError(f"no schema at {uri}")
        return definitions

    try:
        validate = fastjsonschema.compile(
            dict(schema),
            handlers={"https": fetch, "http": fetch},
            use_default=False,  # never write defaults into the object checked
            use_formats=False,  # as jsonschema without a format checker
        )
    except Exception:  # its compile errors come in several types: check without it
        return None

    def check(obj: Any) -> bool:
        try:
            validate(obj)
        except fastjsonschema.JsonSchemaValueException:
            return False
        except Exception:  # anything it cannot decide, jsonschema decides
            return False
        return True

    return check

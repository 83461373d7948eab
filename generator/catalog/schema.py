"""The catalog against schemas/catalog.schema.json, each problem a positioned finding."""

from __future__ import annotations

import datetime
import difflib
import json
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from generator.catalog import rules
from generator.catalog.schema_fields import field_paths, nearest
from generator.finding import Finding
from generator.k8s import schema_fast
from generator.manifest import NodePath
from generator.paths import schemas_dir
from generator.yamlio import Located

if TYPE_CHECKING:
    import jsonschema

_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a mapping",
    "array": "a list",
}


@cache
def _catalog_schema() -> Any:
    return json.loads(schemas_dir().joinpath("catalog.schema.json").read_text(encoding="utf-8"))


@cache
def catalog_validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # only when the pre-check refuses: it costs a tenth of a second

    return jsonschema.Draft202012Validator(_catalog_schema())


@cache
def catalog_fields() -> dict[str, tuple[str, ...]]:
    return field_paths(_catalog_schema())


def _any(value: object) -> Any:
    return value


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing (null)"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, datetime.date):
        return f"the date {value.isoformat()}"
    return f"{value!r}"


def _where(at: NodePath) -> str:
    return ".".join(str(k) for k in at) or "the catalog"


def _expected_types(schema_type: str | list[str]) -> str:
    names = [schema_type] if isinstance(schema_type, str) else schema_type
    return " or ".join(_TYPE_NAMES.get(n, n) for n in names)


def _type_message(error: jsonschema.ValidationError, at: NodePath, doc: Located) -> str:
    value: Any = error.instance
    expected = _expected_types(_any(error.validator_value))
    message = f"`{_where(at)}` must be {expected}, not {_describe(value)}"
    if isinstance(value, float) and "a string" in expected:
        written = doc.source_text(at) or repr(value)
        message += f'; YAML reads {written} as a number: quote it, e.g. "{written}"'
    elif isinstance(value, datetime.date) and "a string" in expected:
        written = doc.source_text(at) or value.isoformat()
        message += f'; YAML reads {written} as a date: quote it, e.g. "{written}"'
    elif value is None and len(at) >= 2 and at[-2] == "config" and doc.source_text(at):
        written = doc.source_text(at)
        message += f'; YAML reads {written} as nothing: quote it, e.g. "{written}", or write ""'
    return message


def _unknown_keys(
    error: jsonschema.ValidationError, at: NodePath, doc: Located
) -> Iterator[Finding]:
    schema: Any = error.schema
    instance: Any = error.instance
    known = sorted(schema.get("properties", {}))
    extra = sorted(k for k in instance if k not in known)
    for key in extra:
        where = f"`{_where(at)}`" if at else "the top level of the catalog"
        message = f"unknown key '{key}' in {where}"
        close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        elsewhere = catalog_fields().get(str(key), ())
        if close:
            message += f"; did you mean '{close[0]}'?"
        elif elsewhere:
            places = " or ".join(f"`{p}`" for p in nearest(elsewhere, at))
            message += f"; '{key}' is a field of {places}: move it there"
        else:
            message += f"; known keys: {', '.join(known)}"
        yield rules.UNKNOWN_KEY.finding(message, doc.position((*at, key), key=True))


def _message(error: jsonschema.ValidationError, at: NodePath, doc: Located) -> str:
    validator = error.validator
    value: Any = error.instance
    expected: Any = error.validator_value
    where = f"`{_where(at)}`"
    if validator == "required":
        missing = [k for k in expected if k not in value]
        return f"{where} misses the required key '{missing[0]}'; add it"
    if validator in ("enum", "const"):
        allowed = expected if validator == "enum" else [expected]
        choices = ", ".join(str(a) for a in allowed)
        return f"{where} is {_describe(value)}; use one of: {choices}"
    if validator == "pattern":
        return f"{where} is {_describe(value)}, which is not allowed here ({_hint(at)})"
    if validator in ("minimum", "maximum"):
        bound = "at least" if validator == "minimum" else "at most"
        return f"{where} is {value}; it must be {bound} {expected}"
    if validator in ("minLength", "minItems", "minProperties"):
        return f"{where} is empty; give it a value"
    if validator == "uniqueItems":
        return f"{where} lists an item twice; remove the duplicate"
    return f"{where}: {error.message}"


def _hint(at: NodePath) -> str:
    last = str(at[-1]) if at else ""
    hints = {
        "kubernetesVersion": 'write MAJOR.MINOR as a string, e.g. "1.31"',
        "image": "the image repository only; the version goes under environments.<env>.version",
        "namespace": "a DNS-1123 label: lower-case letters, digits and '-'",
        "path": "a path starting with '/'",
        "writablePaths": "an absolute path",
        "github": "a GitHub user @user or team @org/team",
        "storageLocation": "the name of a Velero BackupStorageLocation, such as prod-s3",
    }
    for key, hint in hints.items():
        if key in (last, *[str(k) for k in at]):
            return hint
    if len(at) >= 2 and at[-2] in ("requests", "limits", "quota", "default", "defaultRequest"):
        return "a Kubernetes quantity such as 250m, 1, 512Mi or 2Gi"
    return "see schemas/catalog.schema.json"


def _misspelled(error: jsonschema.ValidationError) -> bool:
    """A missing required key that an unknown key of the same mapping misspells: the
    unknown-key finding already says "did you mean"; one finding is enough."""
    if error.validator != "required" or not isinstance(error.instance, dict):
        return False
    schema: Any = error.schema
    known = list(schema.get("properties", {}))
    unknown = [str(k) for k in error.instance if k not in known]
    missing: Any = error.validator_value
    return any(
        difflib.get_close_matches(str(key), known, n=1, cutoff=0.6) == [key]
        for key in missing
        if key not in error.instance and difflib.get_close_matches(key, unknown, n=1, cutoff=0.6)
    )


@cache
def _fast_check() -> schema_fast.Check | None:
    return schema_fast.compile_check(_catalog_schema(), None, "catalog")


def schema_findings(doc: Located) -> list[Finding]:
    """Every schema problem of the catalog; a catalog the compiled pre-check passes has
    none (generator.k8s.schema_fast: jsonschema gives the messages when it refuses)."""
    fast = _fast_check()
    if fast is not None and fast(doc.data):
        return []
    findings: list[Finding] = []
    errors = sorted(catalog_validator().iter_errors(doc.data), key=lambda e: list(map(str, e.path)))
    for error in errors:
        at: NodePath = tuple(error.absolute_path)
        if _misspelled(error):
            continue
        if len(at) == 4 and at[0] == "apps" and at[2] == "secrets" and error.validator == "type":
            findings.append(
                rules.SECRET_LITERAL.finding(
                    f"secret '{at[3]}' of app '{at[1]}' is written as a literal value; put the "
                    "value in the secret store and write {key: <path in the store>} here",
                    doc.position(at, key=True),
                )
            )
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            findings.extend(_unknown_keys(error, at, doc))
        elif error.validator == "type":
            findings.append(rules.SCHEMA.finding(_type_message(error, at, doc), doc.position(at)))
        else:
            key = error.validator == "required" or error.validator == "additionalProperties"
            findings.append(
                rules.SCHEMA.finding(_message(error, at, doc), doc.position(at, key=key))
            )
    return findings

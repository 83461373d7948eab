"""A schema violation inside one object, as a JSON path and a one-line readable message."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # jsonschema is imported where an object fails its pre-check
    from jsonschema import ValidationError

PathKey = str | int

_MAX_VALUE = 60
_MAX_MESSAGE = 200


@dataclass(frozen=True)
class SchemaProblem:
    path: tuple[PathKey, ...]  # inside the object; () is the object itself
    message: str  # one line, starting with the dotted path

    def sort_key(self) -> tuple[tuple[tuple[bool, int, str], ...], str]:
        return tuple(
            (isinstance(k, str), k if isinstance(k, int) else 0, str(k)) for k in self.path
        ), self.message


def dotted(path: Iterable[PathKey]) -> str:
    """`spec.template.spec.containers[0].image`; `(root)` for the object itself."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text or "(root)"


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 3] + "..."


def _types(expected: Any) -> str:
    names = [expected] if isinstance(expected, str) else list(expected)
    shown = [n for n in names if n != "null"] or names  # null only means "may be omitted"
    return " or ".join(repr(n) for n in shown)


def _only_types(alternatives: Any) -> list[str] | None:
    """The types of `anyOf`/`oneOf` alternatives that only state a type (int-or-string,
    Quantity); None when any alternative says more."""
    if not isinstance(alternatives, list):
        return None
    types: list[str] = []
    for alternative in alternatives:
        if not isinstance(alternative, Mapping) or set(alternative) - {"type", "description"}:
            return None
        found = alternative.get("type")
        types += [found] if isinstance(found, str) else list(found or [])
    return list(dict.fromkeys(types))


def _unknown_fields(
    instance: Mapping[Any, Any], schema: Any, path: tuple[PathKey, ...]
) -> Iterator[SchemaProblem]:
    known = sorted(schema.get("properties", {})) if isinstance(schema, Mapping) else []
    for key in sorted(str(k) for k in instance if k not in known):
        guess = difflib.get_close_matches(key, known, n=1)
        hint = f"did you mean {guess[0]!r}?" if guess else "remove it or check its spelling"
        at = (*path, key)
        yield SchemaProblem(at, f"{dotted(at)}: unknown field {key!r}; {hint}")


def problems_of(error: ValidationError) -> Iterator[SchemaProblem]:
    """One or more problems for one jsonschema error (one per unknown field)."""
    path = tuple(error.absolute_path)
    where = dotted(path)
    kind, value, expected = error.validator, error.instance, error.validator_value
    if kind == "additionalProperties" and isinstance(value, Mapping):
        yield from _unknown_fields(value, error.schema, path)
        return
    if kind == "required" and isinstance(value, Mapping) and isinstance(expected, list):
        # one error per missing field, each carrying the whole list: duplicates are dropped
        for field in expected:
            if field not in value:
                yield SchemaProblem(path, f"{where}: required field {field!r} is missing; add it")
        return
    if kind == "type":
        message = f"{short(value)} is not of type {_types(expected)}"
    elif kind in ("anyOf", "oneOf") and _only_types(expected):
        message = f"{short(value)} is not of type {_types(_only_types(expected))}"
    elif kind == "enum" and isinstance(expected, list):
        allowed = ", ".join(short(v) for v in expected)
        message = f"{short(value)} is not one of {allowed}"
    elif kind == "const":
        message = f"{short(value)} must be {short(expected)}"
    else:
        message = " ".join(error.message.split())
        if len(message) > _MAX_MESSAGE:
            message = message[: _MAX_MESSAGE - 3] + "..."
    yield SchemaProblem(path, f"{where}: {message}")

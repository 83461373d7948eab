"""What the YAML readers refuse, and the words they refuse it in: one function per refusal,
each an InputError at the node's position saying what is wrong and what to do. Also the
core-schema tags and how a scalar of one becomes a value (generator.yamlbuild reads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.errors import InputError
from generator.finding import Position
from generator.limits import Limits, raise_hint

CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (f"{CORE}{t}" for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = f"{CORE}map", f"{CORE}seq", f"{CORE}merge"
SCALAR_TAGS = frozenset((STR, INT, FLOAT, BOOL, NULL))
# What a parser's resolver may give a plain scalar that is not core: read as a string.
IMPLICIT_STRINGS = frozenset((f"{CORE}timestamp", f"{CORE}value", MERGE))

# Builds a non-string core scalar (int, float, bool, null) from its tag and text, with the
# parser library's own constructor; raises on text that is not of the tag's type.
Construct = Callable[[str, str], Any]


def describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int):
        return f"the integer {value}"
    if isinstance(value, float):
        return f"the number {value}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "a string"


# The integers Kubernetes fields hold (int64, and uint64 in a few CRDs); past them Python
# cannot even print a hexadecimal number read from YAML.
INT_RANGE = (-(2**63), 2**64)


def shown_tag(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def scalar_value(tag: str, text: str, explicit: bool, construct: Construct, at: Position) -> Any:
    """The value of a scalar with its resolved `tag` (`explicit`: written in the file)."""
    if tag == STR or (tag in IMPLICIT_STRINGS and not explicit):
        return text
    if tag not in SCALAR_TAGS:
        raise outside_core(tag, at)
    shown = text if len(text) <= 40 else text[:40] + "..."
    try:
        value = construct(tag, text)
    except Exception:  # the libraries' constructors raise assorted errors here
        if explicit:
            problem = f"is not a valid {shown_tag(tag)}; remove the tag or fix the value"
        else:
            problem = f"cannot be read as {shown_tag(tag)}; quote it to keep it a string"
        raise InputError(f"'{shown}' {problem}", at) from None
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and not INT_RANGE[0] <= value < INT_RANGE[1]
    ):
        raise InputError(
            f"'{shown}' is an integer beyond 64 bits, which no Kubernetes field holds; quote it "
            "to keep it a string",
            at,
        )
    return value


def collection_tag(tag: str, mapping: bool, at: Position) -> None:
    """Refuse a tag other than !!map on a mapping or !!seq on a list."""
    if tag == (MAP if mapping else SEQ):
        return
    if tag in SCALAR_TAGS or tag in (MAP, SEQ):
        what = "a mapping" if mapping else "a list"
        raise InputError(f"tag {shown_tag(tag)} cannot be on {what}; remove it", at)
    raise outside_core(tag, at)


def outside_core(tag: str, at: Position) -> InputError:
    return InputError(
        f"tag {shown_tag(tag)} is outside the YAML core schema; remove it (gitopsgen reads "
        "plain strings, numbers, booleans, null, mappings and lists)",
        at,
    )


def check_lines(text: str, path: str, limits: Limits) -> None:
    """Refuse a line longer than the limit, before anything parses it."""
    limit = limits.line_length
    if len(text) <= limit:
        return
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > limit:
            raise InputError(
                f"line {number} is {len(line)} characters long, over the limit of {limit}; "
                f"break it into several lines, {raise_hint('line_length')}",
                Position(path, number, limit + 1),
            )


def bad_character(path: str, before: str, code: int) -> InputError:
    """A character YAML does not allow (e.g. NUL), after the text `before`."""
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return InputError(
        f"YAML does not parse: character #x{code:04x} is not allowed in YAML; remove it",
        Position(path, line, column),
    )


def non_string_key(key: Any, text: str, alias: bool, at: Position) -> InputError:
    if alias:
        written, remedy = f"key {text} is an alias of", "write the key out"
    elif text:
        written, remedy = f"key {text} is read as", f"quote it: '{text}'"
    else:
        written, remedy = "an empty key is read as", "write the key"
    return InputError(f"{written} {describe(key)}; keys must be strings; {remedy}", at)


def collection_key(mapping: bool, at: Position) -> InputError:
    what = "a mapping" if mapping else "a list"
    return InputError(
        f"{what} cannot be a mapping key; keys must be strings; write a plain key", at
    )


def duplicate_key(key: str, first_line: int | None, at: Position) -> InputError:
    first = f" (first at line {first_line})" if first_line else ""
    return InputError(f"duplicate key '{key}'{first}; keep one of them", at)


def not_a_mapping(value: Any, at: Position) -> InputError:
    return InputError(
        f"'<<' merges mappings, and this is {describe(value)}; merge an alias of a mapping "
        "(<<: *name) or a list of them",
        at,
    )


def list_in_merge_list(at: Position) -> InputError:
    return InputError(
        "'<<' merges mappings, and this is a list inside its list; list aliases of mappings: "
        "<<: [*a, *b]",
        at,
    )


def second_merge(at: Position) -> InputError:
    return InputError("a second '<<' in one mapping; merge a list instead: <<: [*a, *b]", at)


def undefined_alias(name: str, at: Position) -> InputError:
    return InputError(
        f"alias *{name} has no anchor &{name} before it in this document; define the anchor "
        "first, or write the value out",
        at,
    )


def recursive_alias(name: str, at: Position) -> InputError:
    return InputError(
        f"alias *{name} is inside its own anchor &{name} (a recursive alias); write the value out",
        at,
    )


def too_deep(limits: Limits, at: Position) -> InputError:
    return InputError(
        f"nesting deeper than {limits.depth} levels; flatten the data, {raise_hint('depth')}",
        at,
    )


def too_many_aliased(limits: Limits, at: Position) -> InputError:
    return InputError(
        f"aliases expand to more than {limits.alias_nodes} nodes in this file (an alias "
        "bomb?); write the values out instead of aliasing them, "
        f"{raise_hint('alias_nodes')}",
        at,
    )


def too_many_keys(limits: Limits, at: Position) -> InputError:
    return InputError(
        f"more than {limits.keys} keys and list items in one document; split it into several "
        f"documents or files, {raise_hint('keys')}",
        at,
    )


def too_many_documents(limits: Limits, at: Position) -> InputError:
    if limits.documents == 1:
        return InputError(
            "a second YAML document starts here, and this file holds one; remove the '---' "
            "and what follows it",
            at,
        )
    return InputError(
        f"more than {limits.documents} YAML documents in one file; split the file, "
        f"{raise_hint('documents')}",
        at,
    )

"""How much YAML gitopsgen reads from one file before refusing it: the limits both readers
(the catalog's, generator.yamlio, and the manifests', generator.manifest_yaml) enforce.

Every limit can be raised with its environment variable (README, "Input limits"); the
error that a limit stops names it. The catalog is read by a pure-Python parser and is one
document, so its size limits are lower than the manifests'.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from generator.errors import UsageError

KIB = 1024
MIB = 1024 * KIB


@dataclass(frozen=True)
class Limits:
    file_bytes: int  # size of one file on disk
    documents: int  # YAML documents in one file (the catalog is exactly one)
    depth: int  # nested mappings and lists
    alias_nodes: int  # nodes that aliases (and merge keys) expand to, in one file
    keys: int  # mapping keys plus list items, in one document
    line_length: int  # characters in one line


CATALOG = Limits(
    file_bytes=4 * MIB,
    documents=1,
    depth=100,
    alias_nodes=100_000,
    keys=250_000,
    line_length=1 * MIB,
)
MANIFESTS = Limits(
    file_bytes=16 * MIB,
    documents=50_000,
    depth=100,
    alias_nodes=100_000,
    keys=100_000,
    line_length=1 * MIB,
)

# The variable that sets each limit (for both readers; the catalog stays one document).
ENV = {
    "file_bytes": "GITOPSGEN_MAX_FILE_BYTES",
    "documents": "GITOPSGEN_MAX_DOCUMENTS",
    "depth": "GITOPSGEN_MAX_DEPTH",
    "alias_nodes": "GITOPSGEN_MAX_ALIAS_NODES",
    "keys": "GITOPSGEN_MAX_KEYS",
    "line_length": "GITOPSGEN_MAX_LINE_LENGTH",
}
# libyaml (the manifests' parser) refuses deeper nesting itself.
MAX_DEPTH = 1000


@dataclass(frozen=True)
class InputLimits:
    catalog: Limits = CATALOG
    manifests: Limits = MANIFESTS


DEFAULTS = InputLimits()


def _value(name: str, text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    top = MAX_DEPTH if name == ENV["depth"] else None
    if value < 1 or (top is not None and value > top):
        bound = f"from 1 to {top}" if top else "a positive integer"
        raise UsageError(f"{name} must be {bound}, not {text!r}")
    return value


def from_environ(environ: Mapping[str, str]) -> InputLimits:
    """The limits with every GITOPSGEN_MAX_* variable set in `environ` applied; a value that
    is not a positive integer is a UsageError."""
    catalog, manifests = CATALOG, MANIFESTS
    for field in fields(Limits):
        name = ENV[field.name]
        if name not in environ:
            continue
        value = _value(name, environ[name])
        manifests = replace(manifests, **{field.name: value})
        if field.name != "documents":
            catalog = replace(catalog, **{field.name: value})
    return InputLimits(catalog, manifests)


def raise_hint(field: str) -> str:
    """What the error of a limit says to raise it."""
    return f"or raise {ENV[field]}"

"""The values a chart is rendered with, as Argo CD combines them: the chart's defaults <
each of `valueFiles` in order < `valuesObject` (the catalog's merged `values`). Argo CD
hands the value files and then the values object to `helm template` as `--values` files;
Helm merges those key by key (maps merge, anything else replaces), then coalesces the
result with the chart's defaults (a `null` there removes a default).

Value files are read from the repository under the manifests' limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import InputError
from generator.finding import Position
from generator.limits import MANIFESTS, Limits
from generator.manifest_yaml import load_documents
from generator.textfile import read_text


class ValuesError(InputError):
    """A value file that cannot be used: missing, unreadable, or not one mapping."""


@dataclass(frozen=True)
class ValueFile:
    path: str  # relative to the repository root, as the catalog names it
    values: Mapping[str, Any]
    text: str


def merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of two `--values` layers: `over` wins; two maps merge key by key."""
    out = dict(base)
    for key, value in over.items():
        below = out.get(key)
        if isinstance(value, Mapping) and isinstance(below, Mapping):
            out[key] = merge(below, value)
        else:
            out[key] = value
    return out


def read_value_file(root: Path, path: str, limits: Limits = MANIFESTS) -> ValueFile:
    """The value file at `path` under `root` (which it must not leave)."""
    target = root / path
    try:
        inside = target.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):
        inside = False
    if not inside:
        raise ValuesError(f"value file {path} is outside the repository", Position(path))
    text = read_text(target, path, "add it, or remove it from valueFiles", limits)
    return parse_values(text, path, limits)


def parse_values(text: str, shown: str, limits: Limits = MANIFESTS) -> ValueFile:
    """A YAML file of Helm values: one mapping (or nothing)."""
    documents = [d for d in load_documents(text, shown, limits) if d.data is not None]
    if len(documents) > 1:
        raise ValuesError(
            f"value file {shown} holds {len(documents)} YAML documents; keep one",
            Position(shown),
        )
    data = documents[0].data if documents else {}
    if not isinstance(data, Mapping):
        kind = "list" if isinstance(data, list) else type(data).__name__
        raise ValuesError(
            f"value file {shown} holds a {kind}, not a mapping of values", Position(shown)
        )
    return ValueFile(shown, data, text)


def combined(files: Sequence[ValueFile], values_object: Mapping[str, Any]) -> dict[str, Any]:
    """What Helm receives as the user's values: the files in order, then `values_object`."""
    out: dict[str, Any] = {}
    for file in files:
        out = merge(out, file.values)
    return merge(out, values_object)

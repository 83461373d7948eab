"""Rendered objects of one Kustomize build, keyed so that two builds compare object by object.

An object is keyed by (kind, namespace, name). ConfigMaps and Secrets made by a Kustomize
generator carry a content hash suffix (`web-config-hf678c7m2b`); they are keyed by the
generator's name (`web-config`) so that a content change reads as a change, not as one
object removed and another added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import yaml

from generator import yamlout
from generator.yamlevents import SAFE_LOADER

HASHED_KINDS = ("ConfigMap", "Secret")
# Kustomize's suffix: "-" and 10 hex digits of a SHA-256 with 0 1 3 a e -> g h k m t.
_HASH_SUFFIX = re.compile(r"-[2456789bcdfghkmt]{10}$")

Change = Literal["added", "removed", "changed"]


@dataclass(frozen=True)
class ObjectKey:
    kind: str
    namespace: str  # "" for cluster-scoped objects
    name: str  # the generator's name for hashed ConfigMaps and Secrets

    def __str__(self) -> str:
        return f"{self.kind} {self.name}"


@dataclass(frozen=True)
class ObjectChange:
    key: ObjectKey
    change: Change
    diff: str  # unified diff of the two dumps, every line ending in a newline


def dump(obj: Any) -> str:
    """One object as YAML with sorted keys: the same object always gives the same text."""
    return yamlout.dump(obj, sort_keys=True)


def _key(obj: Mapping[str, Any]) -> tuple[ObjectKey, str]:
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    kind, name = str(obj.get("kind", "")), str(meta.get("name", ""))
    namespace = str(meta.get("namespace") or "")
    short = _HASH_SUFFIX.sub("", name) if kind in HASHED_KINDS else name
    return ObjectKey(kind, namespace, short), name


def split(output: str) -> dict[ObjectKey, str]:
    """The objects of a build's YAML output, in its order, each dumped by `dump`; raises
    yaml.YAMLError on output that does not parse."""
    objects: dict[ObjectKey, str] = {}
    for doc in yaml.load_all(output, Loader=SAFE_LOADER):
        if not isinstance(doc, Mapping):
            continue
        key, full_name = _key(doc)
        if key in objects:  # two hashed objects of one generator name: keep both apart
            key = ObjectKey(key.kind, key.namespace, full_name)
        objects[key] = dump(doc)
    return objects


def compare(
    old: Mapping[ObjectKey, str], new: Mapping[ObjectKey, str], old_label: str, new_label: str
) -> tuple[ObjectChange, ...]:
    """Every object added, removed or changed from `old` to `new`: the new build's order,
    then removed objects in the old build's order."""
    changes: list[ObjectChange] = []
    for key in [*new, *(k for k in old if k not in new)]:
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        change: Change = "added" if before is None else "removed" if after is None else "changed"
        lines = difflib.unified_diff(
            (before or "").splitlines(keepends=True),
            (after or "").splitlines(keepends=True),
            old_label,
            new_label,
        )
        changes.append(ObjectChange(key, change, "".join(_ended(line) for line in lines)))
    return tuple(changes)


def _ended(line: str) -> str:
    return line if line.endswith("\n") else line + "\n"

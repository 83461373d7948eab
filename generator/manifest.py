"""A Kubernetes object as read from a file, with the position of each of its nodes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from generator.finding import Position, Resource
from generator.k8s.display import named

Key = str | int
NodePath = tuple[Key, ...]


def get(obj: object, *keys: str | int) -> Any:
    """The value at `keys` below `obj`, or None where a level is missing or of another type."""
    for key in keys:
        if isinstance(key, str) and isinstance(obj, Mapping):
            obj = obj.get(key)
        elif isinstance(key, int) and isinstance(obj, list) and 0 <= key < len(obj):
            obj = obj[key]
        else:
            return None
    return obj


@dataclass(frozen=True)
class Manifest:
    """One YAML document: `obj` is plain data; `positions` maps node paths to (line, column).
    `obj` is not changed once read: its kind, apiVersion, name and namespace are read once."""

    path: str
    obj: Mapping[str, Any]
    positions: Mapping[NodePath, tuple[int, int]] = field(default_factory=dict)
    document: int = 0  # index of the document in its file

    def position(self, *keys: Key) -> Position:
        """The position of the deepest node on `keys` that exists in the file."""
        for end in range(len(keys), -1, -1):
            found = self.positions.get(tuple(keys[:end]))
            if found is not None:
                return Position(self.path, found[0], found[1])
        return Position(self.path, 1, 1)

    @cached_property
    def kind(self) -> str:
        value = self.obj.get("kind")
        return value if isinstance(value, str) else ""

    @cached_property
    def api_version(self) -> str:
        value = self.obj.get("apiVersion")
        return value if isinstance(value, str) else ""

    @cached_property
    def name(self) -> str:
        meta = self.obj.get("metadata")
        value = meta.get("name") if isinstance(meta, Mapping) else None
        return value if isinstance(value, str) else ""

    @cached_property
    def namespace(self) -> str | None:
        meta = self.obj.get("metadata")
        value = meta.get("namespace") if isinstance(meta, Mapping) else None
        return value if isinstance(value, str) else None

    def label(self, *, quoted: bool = False) -> str:
        """How messages name the object: `Deployment web`, or `Deployment (no name)`."""
        return named(self.kind, self.name, quoted=quoted)

    @property
    def resource(self) -> Resource:
        return Resource(self.kind, self.name, self.namespace)

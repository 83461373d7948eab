"""The in-memory tree: relative POSIX path -> file bytes, every file with the generated header."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.constants import header
from generator.yamlout import dump_all

Tree = dict[str, bytes]


def yaml_file(source: str, *documents: Any) -> bytes:
    return (header(source) + dump_all(documents)).encode("utf-8")


def add(tree: Tree, path: str, source: str, documents: Sequence[Any]) -> None:
    if path in tree:
        raise ValueError(f"two renderers write {path}")
    tree[path] = yaml_file(source, *documents)


def sorted_tree(tree: Mapping[str, bytes]) -> Tree:
    return {path: tree[path] for path in sorted(tree)}

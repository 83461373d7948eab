"""The one module that imports ruamel.yaml: the catalog as plain data plus node positions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from generator.errors import InputError
from generator.finding import Position
from generator.manifest import NodePath


@dataclass(frozen=True)
class Located:
    """A YAML document as plain data, with 1-based (line, column) of every key and value."""

    path: str
    data: Any
    keys: dict[NodePath, tuple[int, int]]
    values: dict[NodePath, tuple[int, int]]
    lines: tuple[str, ...]

    def position(self, at: NodePath, key: bool = False) -> Position:
        """Where the node at `at` is; the key rather than the value when `key`; else the
        nearest ancestor that exists."""
        for end in range(len(at), -1, -1):
            prefix = at[:end]
            table = (self.keys, self.values) if key or end < len(at) else (self.values, self.keys)
            for positions in table:
                if prefix in positions:
                    line, column = positions[prefix]
                    return Position(self.path, line, column)
        return Position(self.path, 1, 1)

    def source_text(self, at: NodePath) -> str:
        """The scalar at `at` exactly as written (e.g. `0.10`, which YAML reads as 0.1)."""
        if at not in self.values:
            return ""
        line, column = self.values[at]
        text = self.lines[line - 1][column - 1 :]
        end = len(text)
        for stop in (" #", ",", "}", "]"):
            index = text.find(stop)
            if index != -1:
                end = min(end, index)
        return text[:end].strip()


def _plain(
    node: Any,
    at: NodePath,
    keys: dict[NodePath, tuple[int, int]],
    values: dict[NodePath, tuple[int, int]],
) -> Any:
    if isinstance(node, CommentedMap):
        result: dict[Any, Any] = {}
        for key, value in node.items():
            child = (*at, key if isinstance(key, str | int) else str(key))
            line, column = node.lc.key(key)
            keys[child] = (line + 1, column + 1)
            vline, vcolumn = node.lc.value(key)
            values[child] = (vline + 1, vcolumn + 1)
            result[key] = _plain(value, child, keys, values)
        return result
    if isinstance(node, CommentedSeq):
        items = []
        for index, value in enumerate(node):
            child = (*at, index)
            line, column = node.lc.item(index)
            values[child] = (line + 1, column + 1)
            items.append(_plain(value, child, keys, values))
        return items
    if isinstance(node, bool | None):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    if isinstance(node, str):
        return str(node)
    return node


def load_located(text: str, path: str) -> Located:
    """Parse one YAML document (YAML 1.2, duplicate keys refused) into plain data with positions."""
    yaml = YAML(typ="rt")
    try:
        tree = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
        if problem.startswith("found duplicate key"):
            problem = problem.split(" with value")[0]
            remedy = "keep one of them"
        else:
            remedy = "fix the YAML syntax here"
        raise InputError(
            f"YAML does not parse: {problem}; {remedy}", Position(path, line, column)
        ) from None
    except YAMLError as exc:
        raise InputError(f"YAML does not parse: {exc}", Position(path)) from None
    keys: dict[NodePath, tuple[int, int]] = {}
    values: dict[NodePath, tuple[int, int]] = {(): (1, 1)}
    data = _plain(tree, (), keys, values)
    return Located(path, data, keys, values, tuple(text.splitlines()))

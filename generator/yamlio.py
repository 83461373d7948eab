"""The one module that imports ruamel.yaml: the catalog as plain data plus node positions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


def load_plain(text: str) -> Any:
    """One YAML document as plain data (YAML 1.2, the loader `load_located` uses, without
    positions), or None when it does not parse: for readers that skip what they cannot read."""
    try:
        return YAML(typ="safe").load(text)
    except (YAMLError, ValueError):
        return None


# Round-trip editing: change scalars in the user's text, byte for byte around them.
# ruamel only locates the nodes; the text is spliced, so indentation, line width, comments,
# quoting and blank lines outside the edited scalars cannot change.


def _parse_error(exc: YAMLError, path: str) -> InputError:
    mark = getattr(exc, "problem_mark", None)
    position = Position(path, mark.line + 1, mark.column + 1) if mark else Position(path)
    return InputError(f"YAML does not parse: {exc}", position)


def _node_counts(node: Node, counts: dict[int, int]) -> None:
    counts[id(node)] = counts.get(id(node), 0) + 1
    if counts[id(node)] > 1:
        return
    if isinstance(node, MappingNode):
        for key, value in node.value:
            _node_counts(key, counts)
            _node_counts(value, counts)
    elif isinstance(node, SequenceNode):
        for item in node.value:
            _node_counts(item, counts)


def _needs_quotes(value: str) -> bool:
    """Whether `value` written plain would not read back as this string (a number, a bool,
    a digest's ':' ...); digests are always quoted, for the reader's sake."""
    if "@" in value or value != value.strip() or not value:
        return True
    for text in (value, f"[{value}]"):
        try:
            data = YAML(typ="safe", pure=True).load(text)
        except YAMLError:
            return True
        if (data if text == value else (data or [None])[0]) != value:
            return True
    return False


def _scalar_text(value: str | bool, style: str | None) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if style not in ("'", '"'):
        style = '"' if _needs_quotes(value) else None
    if style == "'":
        return "'" + value.replace("'", "''") + "'"
    if style == '"':
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def _last_leaf(node: Node) -> Node:
    while isinstance(node, MappingNode | SequenceNode) and not node.flow_style and node.value:
        last = node.value[-1]
        node = last[1] if isinstance(node, MappingNode) else last
    return node


def _insertion(text: str, mapping: MappingNode, key: str, rendered: str) -> tuple[int, int, str]:
    if mapping.flow_style:
        if not mapping.value:
            return (
                mapping.start_mark.index + 1,
                mapping.start_mark.index + 1,
                f"{key}: {rendered}",
            )
        end = mapping.value[-1][1].end_mark.index
        return (end, end, f", {key}: {rendered}")
    indent = " " * mapping.value[0][0].start_mark.column
    end = _last_leaf(mapping.value[-1][1]).end_mark.index
    newline = text.find("\n", end)
    at = len(text) if newline == -1 else newline
    return (at, at, f"\n{indent}{key}: {rendered}")


def _edit(
    text: str, root: Node, counts: dict[int, int], at: NodePath, value: str | bool, path: str
) -> tuple[int, int, str]:
    node = key = root
    for depth, step in enumerate(at):
        shown = ".".join(str(s) for s in at[: depth + 1])
        where = Position(path, node.start_mark.line + 1, node.start_mark.column + 1)
        if not isinstance(node, MappingNode):
            raise InputError(f"{shown} cannot be set: its parent is not a mapping", where)
        if counts.get(id(node), 0) > 1:
            raise InputError(
                f"{shown} is inside an anchor that is used elsewhere (an alias); write the "
                "value out in place of the alias, then try again",
                where,
            )
        pair = next(((k, v) for k, v in node.value if k.value == step), None)
        if pair is None:
            if depth != len(at) - 1:
                raise InputError(f"{shown} does not exist; add it first", where)
            return _insertion(text, node, str(step), _scalar_text(value, None))
        key, node = pair
    where = Position(path, key.start_mark.line + 1, key.start_mark.column + 1)
    if not isinstance(node, ScalarNode) or counts.get(id(node), 0) > 1 or node.anchor:
        raise InputError(
            f"{'.'.join(str(s) for s in at)} is not a plain value of its own (an anchor, an "
            "alias or a collection); write the value out in place, then try again",
            where,
        )
    return (node.start_mark.index, node.end_mark.index, _scalar_text(value, node.style))


def set_scalars(text: str, edits: Mapping[NodePath, str | bool], path: str) -> str:
    """`text` with the scalar at each key path set to its new value (a key missing from its
    mapping is added at the mapping's end), every other character unchanged. A quoted value
    keeps its quotes; a value that would not read back as a string when plain is quoted."""
    try:
        root = YAML(typ="rt").compose(text)
    except YAMLError as exc:
        raise _parse_error(exc, path) from None
    counts: dict[int, int] = {}
    if root is not None:
        _node_counts(root, counts)
    splices = sorted(
        (_edit(text, root, counts, at, value, path) for at, value in edits.items()),
        reverse=True,
    )
    for start, end, new in splices:
        text = text[:start] + new + text[end:]
    return text

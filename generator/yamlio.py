"""The one module that imports ruamel.yaml: the catalog as plain data plus node positions
(parsed by libyaml in generator.yamlevents, each plain scalar read as YAML 1.2 by ruamel's
resolver and constructors), and scalar edits in place (ruamel's round-trip composer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError
from ruamel.yaml.tag import Tag

from generator.errors import InputError
from generator.finding import Position
from generator.limits import CATALOG, Limits
from generator.manifest import NodePath
from generator.yamlbuild import Document
from generator.yamlevents import NodeKind, read_documents
from generator.yamlrefusals import bad_character


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


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _parse_error(exc: YAMLError, text: str, path: str) -> InputError:
    """ruamel's parse error, for the round-trip edit."""
    if isinstance(exc, ReaderError) and isinstance(exc.character, int):
        return bad_character(path, text[: exc.position], exc.character)
    if not isinstance(exc, MarkedYAMLError):
        return InputError(f"YAML does not parse: {exc}", Position(path))
    mark = exc.problem_mark or exc.context_mark
    line, column = _mark(mark) if mark else (1, 1)
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    return InputError(
        f"YAML does not parse: {problem}; fix the syntax at this position",
        Position(path, line, column),
    )


_RUAMEL = YAML(typ="safe", pure=True)  # YAML 1.2: its resolver and scalar constructors
_NODES: dict[NodeKind, type[Node]] = {
    "scalar": ScalarNode,
    "mapping": MappingNode,
    "sequence": SequenceNode,
}


# What ruamel said of a scalar before: a catalog repeats most of its scalars (`true`, ports,
# environment names), and ruamel's resolver and constructors cost about half of a read.
# Both are pure functions of their arguments and every value they give is immutable (str,
# int, float, bool, None), so a remembered answer is the answer. Bounded.
_RESOLVED: dict[tuple[NodeKind, str | None, Any], str] = {}
_CONSTRUCTED: dict[tuple[str, str], Any] = {}
_MEMO_MAX = 200_000


@cache
def _no_resolver_for() -> tuple[frozenset[str], str] | None:
    """The first characters of plain scalars ruamel's YAML 1.2 resolver has a rule for, and
    the tag of any other plain scalar; None when it has rules for any first character or by
    path (then every scalar asks it)."""
    resolver = _RUAMEL.resolver
    table = resolver.versioned_resolver
    if None in table or resolver.yaml_path_resolvers:
        return None
    return frozenset(k for k in table if k), str(resolver.DEFAULT_SCALAR_TAG)


def _resolve(kind: NodeKind, value: str | None, implicit: Any) -> str:
    """YAML 1.2's tag of an untagged node (ruamel.yaml's resolver). A plain scalar whose first
    character no rule of the resolver starts with is a string, as the resolver says without
    a rule to try (most keys: a catalog of many apps has tens of thousands of other ones)."""
    if kind == "scalar" and value and implicit[0]:
        plain = _no_resolver_for()
        if plain is not None and value[0] not in plain[0]:
            return plain[1]
    key = (kind, value, implicit)
    tag = _RESOLVED.get(key)
    if tag is None:
        tag = str(_RUAMEL.resolver.resolve(_NODES[kind], value, implicit))
        if len(_RESOLVED) >= _MEMO_MAX:
            _RESOLVED.clear()
        _RESOLVED[key] = tag
    return tag


def _construct(tag: str, value: str) -> Any:
    key = (tag, value)
    if key in _CONSTRUCTED:
        return _CONSTRUCTED[key]
    constructor = _RUAMEL.constructor
    made = type(constructor).yaml_constructors[tag](constructor, ScalarNode(Tag(suffix=tag), value))
    if len(_CONSTRUCTED) >= _MEMO_MAX:
        _CONSTRUCTED.clear()
    _CONSTRUCTED[key] = made  # raised (an unreadable value): nothing is remembered
    return made


def _read(text: str, path: str, limits: Limits) -> Document:
    """The one document of `text` (data None when there is none): libyaml parses
    (generator.yamlevents), ruamel.yaml says what each plain scalar means in YAML 1.2."""
    documents = read_documents(text, path, limits, _resolve, _construct)  # at most limits.documents
    return documents[-1] if documents else Document(None, {}, {})


def load_located(text: str, path: str, limits: Limits = CATALOG) -> Located:
    """Parse one YAML document (YAML 1.2) into plain data with positions, under `limits`;
    what is refused (duplicate keys, non-string keys, tags outside the core schema, alias
    bombs ...) is said in generator.yamlbuild."""
    document = _read(text, path, limits)
    values = document.values
    values[()] = (1, 1)
    return Located(path, document.data, document.keys, values, tuple(text.splitlines()))


def load_plain(text: str, limits: Limits = CATALOG) -> Any:
    """One YAML document as plain data (the reader `load_located` uses, without positions),
    or None when it cannot be read: for readers that skip what they cannot read."""
    try:
        return _read(text, "", limits).data
    except InputError:
        return None


# Round-trip editing: change scalars in the user's text, byte for byte around them.
# ruamel only locates the nodes; the text is spliced, so indentation, line width, comments,
# quoting and blank lines outside the edited scalars cannot change.


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
        raise _parse_error(exc, text, path) from None
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

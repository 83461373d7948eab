"""Plain data and node positions from a stream of YAML parse events, within the limits.

Both YAML readers feed their parser's events here (generator.yamlio: ruamel.yaml, the
catalog; generator.manifest_yaml: libyaml, manifests), so both accept and refuse the same
input in the same words. Nothing is composed before it is checked: the event stream is
consumed once, in constant stack depth, and every limit (generator.limits) stops it at
the node that crosses it.

What is read:
- values of the YAML core schema only: strings, integers, floats, booleans, null, mappings
  and lists. A scalar the parser would read as a timestamp stays a string (as the
  Kubernetes API server reads it); any explicit tag outside the core schema
  (`!!python/...`, `!!binary`, `!vault`) is refused.
- keys are strings: a key YAML reads as a number, boolean or null (`true:`, `012:`, `~:`)
  or a list or mapping (`? [a, b]`) is refused; so is a duplicate key, at any depth.
- merge keys (`<<: *base`, `<<: [*a, *b]`, YAML 1.1's merge) are supported the same way in
  the catalog and in manifests, as Kubernetes' YAML reader does: keys written in the mapping
  win over merged ones, and an earlier mapping in the list wins over a later one. Merging
  anything but mappings is refused.
- an alias is a copy of its anchor's value. The nodes every alias of a file expands to are
  counted (each anchor knows its expanded size) before anything is copied, so an alias bomb
  is refused at the alias that crosses the limit; an alias inside its own anchor is refused.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from generator.errors import InputError
from generator.finding import Position
from generator.limits import Limits, raise_hint
from generator.manifest import NodePath

Pos = tuple[int, int]
Entry = tuple[NodePath, Pos | None, Pos]  # path, key position (mapping children), position

CORE = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (f"{CORE}{t}" for t in ("str", "int", "float", "bool", "null"))
MAP, SEQ, MERGE = f"{CORE}map", f"{CORE}seq", f"{CORE}merge"
SCALAR_TAGS = frozenset((STR, INT, FLOAT, BOOL, NULL))
# What a parser's resolver may give a plain scalar that is not core: read as a string.
IMPLICIT_STRINGS = frozenset((f"{CORE}timestamp", f"{CORE}value"))

# Builds a non-string core scalar (int, float, bool, null) from its tag and text, with the
# parser library's own constructor; raises on text that is not of the tag's type.
Construct = Callable[[str, str], Any]


@dataclass(frozen=True)
class Document:
    data: Any
    keys: dict[NodePath, Pos]  # mapping children: where the key is
    values: dict[NodePath, Pos]  # every node: where its value starts


@dataclass
class _Anchor:
    value: Any
    position: Pos
    entries: list[Entry]  # the positions under it, relative to it
    open: bool = True  # still being read: an alias now would be recursive

    @property
    def size(self) -> int:
        return 1 + len(self.entries)


@dataclass
class _Source:
    """A mapping a merge key merges in, with the positions under it."""

    value: dict[str, Any]
    entries: list[Entry]


Role = Literal["node", "merge", "merge-item"]


@dataclass(slots=True)
class _Frame:
    value: dict[str, Any] | list[Any]
    path: NodePath
    position: Pos
    anchor: str | None
    role: Role  # a node of the document, the value of `<<`, or an item of that list
    detached: bool  # under a `<<`: positions go to the log only
    log_start: int
    key: str | None = None  # the pending key of a mapping
    key_position: Pos = (1, 1)
    merge_next: bool = False  # the pending key is `<<`
    merged: bool = False  # this mapping has a `<<`
    sources: list[_Source] | None = None


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


def shown_tag(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


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


def _copy(value: Any) -> Any:
    return copy.deepcopy(value) if isinstance(value, dict | list) else value


class Builder:
    """Receives one file's events (`document`, `start`, `end`, `scalar`, `alias`, with
    1-based positions) and returns each document; raises InputError at the first node that
    breaks a rule or a limit."""

    def __init__(
        self, path: str, limits: Limits, construct: Construct, one_table: bool = False
    ) -> None:
        self.path = path
        self.limits = limits
        self.construct = construct
        self.one_table = one_table  # keys' positions in `values` (the manifests' table)
        self.documents = 0
        self.aliased = 0  # nodes aliases expanded to, in this file
        self._reset()

    def _reset(self) -> None:
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.keys: dict[NodePath, Pos] = {}
        self.values: dict[NodePath, Pos] = {}
        self.log: list[Entry] = []
        self.recording = 0  # open frames whose positions are logged (anchors, merges)
        self.count = 0  # keys and list items in this document
        self.data: Any = None

    def error(self, message: str, at: Pos) -> InputError:
        return InputError(message, Position(self.path, at[0], at[1]))

    # documents

    def document(self, at: Pos) -> None:
        self.documents += 1
        if self.documents > self.limits.documents:
            if self.limits.documents == 1:
                raise self.error(
                    "a second YAML document starts here, and this file holds one; remove the "
                    "'---' and what follows it",
                    at,
                )
            raise self.error(
                f"more than {self.limits.documents} YAML documents in one file; split the "
                f"file, {raise_hint('documents')}",
                at,
            )
        self._reset()

    def end_document(self) -> Document:
        done = Document(self.data, self.keys, self.values)
        self._reset()
        return done

    # nodes

    def _place(self, frame: _Frame | None, path: NodePath, key: Pos | None, at: Pos) -> None:
        if frame is None or not frame.detached:
            if key is not None and not self.one_table:
                self.keys[path] = key
            self.values[path] = key if key is not None and self.one_table else at
        if self.recording:
            self.log.append((path, key, at))

    def _slot(self, at: Pos) -> tuple[_Frame | None, NodePath, Pos | None]:
        """The parent frame, path and key position of the node starting at `at`."""
        if not self.stack:
            return None, (), None
        frame = self.stack[-1]
        self.count += isinstance(frame.value, list)
        if self.count > self.limits.keys:
            self._too_many(at)
        if isinstance(frame.value, list):
            return frame, (*frame.path, len(frame.value)), None
        assert frame.key is not None or frame.merge_next
        return frame, (*frame.path, frame.key or "<<"), frame.key_position

    def _too_many(self, at: Pos) -> None:
        raise self.error(
            f"more than {self.limits.keys} keys and list items in one document; split it "
            f"into several documents or files, {raise_hint('keys')}",
            at,
        )

    def _expects_key(self) -> _Frame | None:
        if self.stack:
            frame = self.stack[-1]
            if isinstance(frame.value, dict) and frame.key is None and not frame.merge_next:
                return frame
        return None

    def _add(self, frame: _Frame | None, value: Any) -> None:
        """Put a finished value (or a just-started collection) into its parent."""
        if frame is None:
            self.data = value
        elif isinstance(frame.value, list):
            frame.value.append(value)
        else:
            assert frame.key is not None
            frame.value[frame.key] = value
            frame.key = None

    def _key(self, frame: _Frame, key: Any, text: str, at: Pos, alias: bool = False) -> None:
        self.count += 1
        if self.count > self.limits.keys:
            self._too_many(at)
        if not isinstance(key, str):
            if alias:
                written, remedy = f"key {text} is an alias of", "write the key out"
            elif text:
                written, remedy = f"key {text} is read as", f"quote it: '{text}'"
            else:
                written, remedy = "an empty key is read as", "write the key"
            raise self.error(f"{written} {describe(key)}; keys must be strings; {remedy}", at)
        if key in frame.value:
            raise self.error(
                f"duplicate key '{key}'{self._first(frame, key)}; keep one of them", at
            )
        frame.key, frame.key_position = key, at

    def _first(self, frame: _Frame, key: str) -> str:
        path = (*frame.path, key)
        found = (self.values if self.one_table else self.keys).get(path)
        if frame.detached or found is None:
            found = next((k for p, k, _ in reversed(self.log) if p == path and k), None)
        return f" (first at line {found[0]})" if found else ""

    def _merge_key(self, frame: _Frame, at: Pos) -> None:
        if frame.merged:
            raise self.error("a second '<<' in one mapping; merge a list instead: <<: [*a, *b]", at)
        self.count += 1
        frame.merged, frame.merge_next, frame.key_position = True, True, at

    def _merge_source(self, value: Any, entries: list[Entry], at: Pos) -> _Source:
        if not isinstance(value, dict):
            raise self.error(
                f"'<<' merges mappings, and this is {describe(value)}; merge an alias of a "
                "mapping (<<: *name) or a list of them",
                at,
            )
        return _Source(value, entries)

    def _merging(self) -> _Frame | None:
        """The frame a value now arriving is merged into, if it is a `<<` value."""
        if not self.stack:
            return None
        frame = self.stack[-1]
        if frame.role == "merge":
            return frame
        return frame if isinstance(frame.value, dict) and frame.merge_next else None

    def scalar(self, tag: str, text: str, explicit: bool, anchor: str | None, at: Pos) -> None:
        value = self._scalar_value(tag, text, explicit, at)
        key_of = self._expects_key()
        if key_of is not None:
            if tag == MERGE and not explicit and text == "<<":
                self._merge_key(key_of, at)
            else:
                self._key(key_of, value, text, at)
            if anchor is not None:
                self.anchors[anchor] = _Anchor(value, at, [], open=False)
            return
        merging = self._merging()
        if merging is not None:
            raise self.error(
                f"'<<' merges mappings, and this is {describe(value)}; merge an alias of a "
                "mapping (<<: *name) or a list of them",
                at,
            )
        frame, path, key = self._slot(at)
        self._place(frame, path, key, at)
        self._add(frame, value)
        if anchor is not None:
            self.anchors[anchor] = _Anchor(value, at, [], open=False)

    def _scalar_value(self, tag: str, text: str, explicit: bool, at: Pos) -> Any:
        if tag == STR or (tag in IMPLICIT_STRINGS and not explicit):
            return text
        if tag == MERGE and not explicit:
            return text
        if tag not in SCALAR_TAGS:
            raise self._tag_error(tag, at)
        try:
            return self.construct(tag, text)
        except Exception:  # the libraries' constructors raise assorted errors here
            shown = text if len(text) <= 40 else text[:40] + "..."
            if explicit:
                problem = f"is not a valid {shown_tag(tag)}; remove the tag or fix the value"
            else:
                problem = f"cannot be read as {shown_tag(tag)}; quote it to keep it a string"
            raise self.error(f"'{shown}' {problem}", at) from None

    def _tag_error(self, tag: str, at: Pos) -> InputError:
        return self.error(
            f"tag {shown_tag(tag)} is outside the YAML core schema; remove it (gitopsgen reads "
            "plain strings, numbers, booleans, null, mappings and lists)",
            at,
        )

    def start(self, mapping: bool, tag: str, anchor: str | None, at: Pos) -> None:
        expected, what = (MAP, "a mapping") if mapping else (SEQ, "a list")
        if tag != expected:
            if tag in SCALAR_TAGS or tag in (MAP, SEQ):
                raise self.error(f"tag {shown_tag(tag)} cannot be on {what}; remove it", at)
            raise self._tag_error(tag, at)
        if self._expects_key() is not None:
            raise self.error(
                f"{what} cannot be a mapping key; keys must be strings; write a plain key", at
            )
        if len(self.stack) >= self.limits.depth:
            raise self.error(
                f"nesting deeper than {self.limits.depth} levels; flatten the data, "
                f"{raise_hint('depth')}",
                at,
            )
        value: dict[str, Any] | list[Any] = {} if mapping else []
        merging = self._merging()
        if merging is None:
            parent, path, key = self._slot(at)
            self._place(parent, path, key, at)
            self._add(parent, value)
            detached = parent is not None and parent.detached
            frame = _Frame(value, path, at, anchor, "node", detached, len(self.log))
        else:
            if merging.role == "merge" and not mapping:
                raise self.error(
                    "'<<' merges mappings, and this is a list inside its list; list aliases "
                    "of mappings: <<: [*a, *b]",
                    at,
                )
            role: Role = "merge" if merging.role == "node" and not mapping else "merge-item"
            self.recording += 1  # detached: its positions are replayed where it is merged
            frame = _Frame(value, (), at, anchor, role, True, len(self.log))
        if anchor is not None:
            self.recording += 1
            self.anchors[anchor] = _Anchor(value, at, [])
        self.stack.append(frame)

    def end(self) -> None:
        frame = self.stack.pop()
        if frame.sources:
            self._apply_merges(frame)
        entries: list[Entry] = []
        if frame.anchor is not None or frame.role != "node":
            n = len(frame.path)
            entries = [(p[n:], k, v) for p, k, v in self.log[frame.log_start :]]
        if frame.anchor is not None:
            self.anchors[frame.anchor] = _Anchor(frame.value, frame.position, entries, False)
            self.recording -= 1
        if frame.role != "node":
            del self.log[frame.log_start :]  # relative to a mapping that is not placed
            self.recording -= 1
            if isinstance(frame.value, dict):
                self._merge_into(self.stack[-1], _Source(frame.value, entries))
            else:
                self.stack[-1].merge_next = False
        if not self.recording:
            self.log.clear()

    def _merge_into(self, target: _Frame, source: _Source) -> None:
        """Merge `source` into the mapping `target` (or, an item of `<<: [...]`, into the
        mapping that owns the list)."""
        owner = self.stack[-2] if target.role == "merge" else target
        owner.sources = [*(owner.sources or ()), source]
        if target is owner:
            owner.merge_next = False

    def _apply_merges(self, frame: _Frame) -> None:
        assert isinstance(frame.value, dict) and frame.sources
        winner: dict[str, int] = {}
        for index, source in enumerate(frame.sources):
            for key in source.value:
                if key not in frame.value and key not in winner:
                    winner[key] = index
        for key, index in winner.items():
            frame.value[key] = _copy(frame.sources[index].value[key])
        for index, source in enumerate(frame.sources):
            for rel, key_at, at in source.entries:
                if rel and isinstance(rel[0], str) and winner.get(rel[0]) == index:
                    self._place(frame, (*frame.path, *rel), key_at, at)

    def alias(self, name: str, at: Pos) -> None:
        anchor = self.anchors.get(name)
        if anchor is None:
            raise self.error(
                f"alias *{name} has no anchor &{name} before it in this document; define the "
                "anchor first, or write the value out",
                at,
            )
        if anchor.open:
            raise self.error(
                f"alias *{name} is inside its own anchor &{name} (a recursive alias); write "
                "the value out",
                at,
            )
        self.aliased += anchor.size
        if self.aliased > self.limits.alias_nodes:
            raise self.error(
                f"aliases expand to more than {self.limits.alias_nodes} nodes in this file (an "
                "alias bomb?); write the values out instead of aliasing them, "
                f"{raise_hint('alias_nodes')}",
                at,
            )
        key_of = self._expects_key()
        if key_of is not None:
            self._key(key_of, anchor.value, f"*{name}", at, alias=True)
            return
        merging = self._merging()
        if merging is not None:
            self._merge_into(merging, self._merge_source(anchor.value, anchor.entries, at))
            return
        frame, path, key = self._slot(at)
        self._place(frame, path, key, anchor.position)
        for rel, key_at, node_at in anchor.entries:
            self._place(frame, (*path, *rel), key_at, node_at)
        self._add(frame, _copy(anchor.value))

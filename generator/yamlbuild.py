"""Plain data and node positions from a stream of YAML parse events, within the limits.

Both YAML readers feed their parser's events here (generator.yamlio: ruamel.yaml, the
catalog; generator.manifest_yaml: libyaml, manifests), so both accept and refuse the same
input in the same words (generator.yamlrefusals). Nothing is composed before it is
checked: the event stream is consumed once, without recursion, and every limit
(generator.limits) stops it at the node that crosses it.

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
from dataclasses import dataclass
from typing import Any, Literal

from generator import yamlrefusals as refuse
from generator.finding import Position
from generator.limits import Limits
from generator.manifest import NodePath
from generator.yamlrefusals import MERGE, Construct

Pos = tuple[int, int]
Entry = tuple[NodePath, Pos | None, Pos]  # path, key position (mapping children), position


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

    def at(self, position: Pos) -> Position:
        return Position(self.path, position[0], position[1])

    # documents

    def document(self, at: Pos) -> None:
        self.documents += 1
        if self.documents > self.limits.documents:
            raise refuse.too_many_documents(self.limits, self.at(at))
        self._reset()

    def end_document(self) -> Document:
        done = Document(self.data, self.keys, self.values)
        self._reset()
        return done

    # where a node goes

    def _place(self, frame: _Frame | None, path: NodePath, key: Pos | None, at: Pos) -> None:
        if frame is None or not frame.detached:
            if key is not None and not self.one_table:
                self.keys[path] = key
            self.values[path] = key if key is not None and self.one_table else at
        if self.recording:
            self.log.append((path, key, at))

    def _count(self, at: Pos) -> None:
        self.count += 1
        if self.count > self.limits.keys:
            raise refuse.too_many_keys(self.limits, self.at(at))

    def _slot(self, at: Pos) -> tuple[_Frame | None, NodePath, Pos | None]:
        """The parent frame, path and key position of the node starting at `at`."""
        if not self.stack:
            return None, (), None
        frame = self.stack[-1]
        if isinstance(frame.value, list):
            self._count(at)
            return frame, (*frame.path, len(frame.value)), None
        assert frame.key is not None
        return frame, (*frame.path, frame.key), frame.key_position

    def _add(self, frame: _Frame | None, value: Any) -> None:
        """Put a value (or a just-started collection) into its parent."""
        if frame is None:
            self.data = value
        elif isinstance(frame.value, list):
            frame.value.append(value)
        else:
            assert frame.key is not None
            frame.value[frame.key] = value
            frame.key = None

    def _expects_key(self) -> _Frame | None:
        if self.stack:
            frame = self.stack[-1]
            if isinstance(frame.value, dict) and frame.key is None and not frame.merge_next:
                return frame
        return None

    def _merging(self) -> _Frame | None:
        """The frame a value now arriving is merged into, if it is a `<<` value."""
        if not self.stack:
            return None
        frame = self.stack[-1]
        if frame.role == "merge" or (isinstance(frame.value, dict) and frame.merge_next):
            return frame
        return None

    # keys

    def _key(self, frame: _Frame, key: Any, text: str, at: Pos, alias: bool = False) -> None:
        self._count(at)
        if not isinstance(key, str):
            raise refuse.non_string_key(key, text, alias, self.at(at))
        if key in frame.value:
            raise refuse.duplicate_key(key, self._first_line(frame, key), self.at(at))
        frame.key, frame.key_position = key, at

    def _first_line(self, frame: _Frame, key: str) -> int | None:
        path = (*frame.path, key)
        found = (self.values if self.one_table else self.keys).get(path)
        if frame.detached or found is None:
            found = next((k for p, k, _ in reversed(self.log) if p == path and k), None)
        return found[0] if found else None

    def _merge_key(self, frame: _Frame, at: Pos) -> None:
        if frame.merged:
            raise refuse.second_merge(self.at(at))
        self._count(at)
        frame.merged, frame.merge_next, frame.key_position = True, True, at

    # events

    def scalar(self, tag: str, text: str, explicit: bool, anchor: str | None, at: Pos) -> None:
        value = refuse.scalar_value(tag, text, explicit, self.construct, self.at(at))
        key_of = self._expects_key()
        if key_of is not None:
            if tag == MERGE and not explicit and text == "<<":
                self._merge_key(key_of, at)
            else:
                self._key(key_of, value, text, at)
        elif self._merging() is not None:
            raise refuse.not_a_mapping(value, self.at(at))
        else:
            frame, path, key = self._slot(at)
            self._place(frame, path, key, at)
            self._add(frame, value)
        if anchor is not None:
            self.anchors[anchor] = _Anchor(value, at, [], open=False)

    def start(self, mapping: bool, tag: str, anchor: str | None, at: Pos) -> None:
        refuse.collection_tag(tag, mapping, self.at(at))
        if self._expects_key() is not None:
            raise refuse.collection_key(mapping, self.at(at))
        if len(self.stack) >= self.limits.depth:
            raise refuse.too_deep(self.limits, self.at(at))
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
                raise refuse.list_in_merge_list(self.at(at))
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

    def alias(self, name: str, at: Pos) -> None:
        anchor = self.anchors.get(name)
        if anchor is None:
            raise refuse.undefined_alias(name, self.at(at))
        if anchor.open:
            raise refuse.recursive_alias(name, self.at(at))
        self.aliased += anchor.size
        if self.aliased > self.limits.alias_nodes:
            raise refuse.too_many_aliased(self.limits, self.at(at))
        key_of = self._expects_key()
        merging = self._merging()
        if key_of is not None:
            self._key(key_of, anchor.value, f"*{name}", at, alias=True)
        elif merging is not None:
            if not isinstance(anchor.value, dict):
                raise refuse.not_a_mapping(anchor.value, self.at(at))
            self._merge_into(merging, _Source(anchor.value, anchor.entries))
        else:
            frame, path, key = self._slot(at)
            self._place(frame, path, key, anchor.position)
            for rel, key_at, node_at in anchor.entries:
                self._place(frame, (*path, *rel), key_at, node_at)
            self._add(frame, _copy(anchor.value))

    # merge keys

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

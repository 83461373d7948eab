"""Read Kubernetes YAML (many documents, List kinds) into `Manifest`s with node positions.

PyYAML's C composer gives every node its mark; one walk turns nodes into plain
data and a position table. Aliases are resolved by reference with a budget, so an
alias bomb is refused instead of expanded, and duplicate keys are an error as the
Kubernetes API server treats them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from generator.errors import InputError
from generator.finding import Position
from generator.manifest import Manifest, NodePath

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Nodes that aliases may expand to in one file: real manifests use few aliases, an alias
# bomb (billion laughs) needs billions; the budget refuses it in milliseconds.
MAX_ALIASED_NODES = 100_000


class _Walker:
    def __init__(self, path: str) -> None:
        self.path = path
        self.aliased_nodes = 0
        self.seen: set[int] = set()
        self.constructor = yaml.constructor.SafeConstructor()

    def error(self, node: yaml.Node, message: str) -> InputError:
        mark = node.start_mark
        return InputError(message, Position(self.path, mark.line + 1, mark.column + 1))

    def walk(
        self, node: yaml.Node, at: NodePath, positions: dict[NodePath, tuple[int, int]]
    ) -> Any:
        if id(node) in self.seen:
            self.aliased_nodes += 1
            if self.aliased_nodes > MAX_ALIASED_NODES:
                raise self.error(
                    node,
                    f"aliases expand to more than {MAX_ALIASED_NODES} nodes (an alias bomb?); "
                    "write the values out instead of aliasing them",
                )
        else:
            self.seen.add(id(node))
        positions.setdefault(at, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, yaml.MappingNode):
            self.constructor.flatten_mapping(node)
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = self.walk(key_node, (*at, "\0key"), {})
                if not isinstance(key, str | int | float | bool) and key is not None:
                    raise self.error(key_node, "a mapping key must be a scalar")
                if key in result:
                    raise self.error(
                        key_node, f"duplicate key {key!r}; keep one of them (the API server would)"
                    )
                child = (*at, key if isinstance(key, str | int) else str(key))
                positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
                result[key] = self.walk(value_node, child, positions)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, (*at, i), positions) for i, item in enumerate(node.value)]
        try:
            return self.constructor.construct_object(node)
        except yaml.YAMLError as exc:
            raise self.error(node, f"cannot read value: {exc}") from None


def _compose(text: str, path: str) -> Iterator[yaml.Node]:
    try:
        yield from yaml.compose_all(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        raise InputError(
            f"YAML does not parse: {problem}; fix the syntax at this position",
            Position(path, line, column),
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(f"YAML does not parse: {exc}", Position(path)) from None


def load_documents(text: str, path: str) -> list[tuple[Any, dict[NodePath, tuple[int, int]]]]:
    """Every non-empty document of `text` as (plain data, positions)."""
    walker = _Walker(path)
    documents = []
    for node in _compose(text, path):
        positions: dict[NodePath, tuple[int, int]] = {}
        data = walker.walk(node, (), positions)
        if data is not None:
            documents.append((data, positions))
    return documents


def _sub_positions(
    positions: dict[NodePath, tuple[int, int]], prefix: NodePath
) -> dict[NodePath, tuple[int, int]]:
    n = len(prefix)
    return {p[n:]: v for p, v in positions.items() if p[:n] == prefix}


def load_manifests(text: str, path: str) -> list[Manifest]:
    """Kubernetes objects of a YAML file; `kind: *List` documents are unpacked.

    Raises InputError for YAML that does not parse; a document that is not a mapping
    is returned as a Manifest whose `obj` is empty and whose position is the document's,
    so the caller can report it as a finding.
    """
    manifests: list[Manifest] = []
    for index, (data, positions) in enumerate(load_documents(text, path)):
        if (
            isinstance(data, dict)
            and isinstance(data.get("kind"), str)
            and data["kind"].endswith("List")
            and isinstance(data.get("items"), list)
        ):
            for i, item in enumerate(data["items"]):
                manifests.append(
                    Manifest(
                        path,
                        item if isinstance(item, dict) else {},
                        _sub_positions(positions, ("items", i)),
                        index,
                    )
                )
            continue
        manifests.append(Manifest(path, data if isinstance(data, dict) else {}, positions, index))
    return manifests

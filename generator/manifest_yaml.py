"""Read Kubernetes YAML (many documents, List kinds) into `Manifest`s with node positions.

libyaml (PyYAML's C parser) parses; its events become plain data and a position table in
generator.yamlbuild, under the manifests' limits (generator.limits): what is accepted and
refused there (non-string and duplicate keys, tags outside the core schema, merge keys,
alias bombs, depth) is the same for the catalog. Kubernetes reads YAML 1.1, and so does
libyaml: `yes`, `on` and `012` are a boolean and an octal number here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

import yaml

from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, NodePath
from generator.yamlbuild import Document
from generator.yamlevents import NodeKind, read_documents

_CONSTRUCTORS = yaml.SafeLoader.yaml_constructors
_CONSTRUCTOR = yaml.SafeLoader("")  # its scalar constructors keep no state
_RESOLVER = yaml.resolver.Resolver()
_RESOLVE: Callable[[type[yaml.Node], str | None, Any], str] = _RESOLVER.resolve  # untyped stubs
_NODES: dict[NodeKind, type[yaml.Node]] = {
    "scalar": yaml.ScalarNode,
    "mapping": yaml.MappingNode,
    "sequence": yaml.SequenceNode,
}


def _resolve(kind: NodeKind, value: str | None, implicit: Any) -> str:
    """YAML 1.1's tag of an untagged node, as Kubernetes reads it."""
    return _RESOLVE(_NODES[kind], value, implicit)


def _construct(tag: str, value: str) -> Any:
    return _CONSTRUCTORS[tag](_CONSTRUCTOR, yaml.ScalarNode(tag, value))


def load_documents(text: str, path: str, limits: Limits = MANIFESTS) -> list[Document]:
    """Every document of `text` (empty ones too, as data None), read under `limits`."""
    return read_documents(text, path, limits, _resolve, _construct, one_table=True)


def _item_positions(
    positions: dict[NodePath, tuple[int, int]],
) -> defaultdict[int, dict[NodePath, tuple[int, int]]]:
    """The positions under each `items[i]` of a List, relative to the item: one pass."""
    found: defaultdict[int, dict[NodePath, tuple[int, int]]] = defaultdict(dict)
    for path, at in positions.items():
        if len(path) >= 2 and path[0] == "items" and isinstance(path[1], int):
            found[path[1]][path[2:]] = at
    return found


def load_manifests(text: str, path: str, limits: Limits = MANIFESTS) -> list[Manifest]:
    """Kubernetes objects of a YAML file; `kind: *List` documents are unpacked.

    Raises InputError for YAML that does not parse; a document that is not a mapping
    is returned as a Manifest whose `obj` is empty and whose position is the document's,
    so the caller can report it as a finding.
    """
    manifests: list[Manifest] = []
    documents = [d for d in load_documents(text, path, limits) if d.data is not None]
    for index, document in enumerate(documents):
        data, positions = document.data, document.values
        if (
            isinstance(data, dict)
            and isinstance(data.get("kind"), str)
            and data["kind"].endswith("List")
            and isinstance(data.get("items"), list)
        ):
            items = _item_positions(positions)
            for i, item in enumerate(data["items"]):
                manifests.append(
                    Manifest(path, item if isinstance(item, dict) else {}, items[i], index)
                )
            continue
        manifests.append(Manifest(path, data if isinstance(data, dict) else {}, positions, index))
    return manifests

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

from generator.errors import InputError
from generator.finding import Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, NodePath
from generator.yamlbuild import Builder, Document
from generator.yamlrefusals import bad_character, check_lines, too_deep

_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTORS = yaml.SafeLoader.yaml_constructors


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _parse_error(exc: yaml.YAMLError, text: str, path: str, limits: Limits) -> InputError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark(mark) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        if problem == "exceeded maximum nesting depth":  # libyaml's own limit, 1000
            return too_deep(limits, Position(path, line, column))
        return InputError(
            f"YAML does not parse: {problem}; fix the syntax at this position",
            Position(path, line, column),
        )
    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml counts bytes of the UTF-8 text
        before = text.encode("utf-8")[: exc.position].decode("utf-8", errors="ignore")
        char = exc.character
        return bad_character(path, before, char if isinstance(char, int) else ord(char[:1] or "?"))
    return InputError(f"YAML does not parse: {exc}", Position(path))


def load_documents(text: str, path: str, limits: Limits = MANIFESTS) -> list[Document]:
    """Every document of `text` (empty ones too, as data None), read under `limits`."""
    check_lines(text, path, limits)
    loader = _Loader(text)

    def construct(tag: str, value: str) -> Any:
        return _CONSTRUCTORS[tag](loader, yaml.ScalarNode(tag, value))

    # PyYAML's stubs leave these untyped
    next_event: Callable[[], Any] = loader.get_event
    resolve: Callable[[type[yaml.Node], str | None, Any], str] = loader.resolve
    build = Builder(path, limits, construct, one_table=True)
    documents: list[Document] = []
    try:
        while loader.check_event():
            event = next_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                tag = event.tag
                explicit = tag is not None and tag != "!"
                if not explicit:
                    tag = resolve(yaml.ScalarNode, event.value, event.implicit)
                build.scalar(tag, event.value, explicit, event.anchor, _mark(event.start_mark))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                node = yaml.MappingNode if kind is yaml.MappingStartEvent else yaml.SequenceNode
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node, None, event.implicit)
                mapping = kind is yaml.MappingStartEvent
                build.start(mapping, tag, event.anchor, _mark(event.start_mark))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                build.end()
            elif kind is yaml.AliasEvent:
                build.alias(event.anchor, _mark(event.start_mark))
            elif kind is yaml.DocumentStartEvent:
                build.document(_mark(event.start_mark))
            elif kind is yaml.DocumentEndEvent:
                documents.append(build.end_document())
    except yaml.YAMLError as exc:
        raise _parse_error(exc, text, path, limits) from None
    finally:
        loader.dispose()
    return documents


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

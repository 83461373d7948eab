"""libyaml's parse events (PyYAML's C parser) into generator.yamlbuild's documents: the one
read loop of the catalog (generator.yamlio) and of manifests (generator.manifest_yaml).

The parse is the same for both; what a plain scalar means is not: Kubernetes reads YAML 1.1
and the catalog is YAML 1.2, so each reader passes its own resolver and constructors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import yaml

from generator.errors import InputError
from generator.finding import Position
from generator.limits import Limits
from generator.yamlbuild import Builder, Document
from generator.yamlrefusals import Construct, bad_character, check_lines, too_deep

# libyaml's safe loader (PyYAML's pure-Python one where PyYAML was built without it)
SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

NodeKind = Literal["scalar", "mapping", "sequence"]
# The tag of an untagged node: its kind, a scalar's value (None for collections) and the
# event's `implicit` (a pair of flags for scalars: plain, quoted).
Resolve = Callable[[NodeKind, str | None, Any], str]


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _parse_error(exc: yaml.YAMLError, text: str, path: str, limits: Limits) -> InputError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line, column = _mark(mark) if mark else (1, 1)
        problem = (exc.problem or exc.context or "invalid YAML").strip()
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


def read_documents(
    text: str,
    path: str,
    limits: Limits,
    resolve: Resolve,
    construct: Construct,
    one_table: bool = False,
) -> list[Document]:
    """Every document of `text` (empty ones too, as data None), read under `limits`; tags of
    untagged nodes from `resolve`, scalar values from `construct`."""
    check_lines(text, path, limits)
    loader = SAFE_LOADER(text)
    next_event: Callable[[], Any] = loader.get_event  # PyYAML's stubs leave it untyped
    build = Builder(path, limits, construct, one_table=one_table)
    documents: list[Document] = []
    try:
        while loader.check_event():
            event = next_event()
            kind = type(event)
            if kind is yaml.ScalarEvent:
                tag = event.tag
                explicit = tag is not None and tag != "!"
                if not explicit:
                    tag = resolve("scalar", event.value, event.implicit)
                build.scalar(tag, event.value, explicit, event.anchor, _mark(event.start_mark))
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                mapping = kind is yaml.MappingStartEvent
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve("mapping" if mapping else "sequence", None, event.implicit)
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

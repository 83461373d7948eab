"""Deterministic YAML text for generated files: block style, keys in the order built.

PyYAML resolves plain scalars by YAML 1.1, Kustomize and Argo CD by go-yaml (v3: YAML 1.2
numbers; v2, under sigs.k8s.io/yaml: also `y` and `n` as booleans). The dumper quotes a
string that any of them would read as something else, so `0o17`, `1e3` or `y` stays a
string for every reader.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# The implicit tag of a plain scalar, by (value, which implicit): a pure function of the
# value while the dumper has no path resolvers, and asked twice for every scalar written.
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}
_RESOLVED_MAX = 100_000


class _Dumper(_Base):  # type: ignore[misc, valid-type]
    def resolve(self, kind: Any, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode or self.yaml_path_resolvers:
            return str(super().resolve(kind, value, implicit))
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = str(super().resolve(kind, value, implicit))
            if len(_RESOLVED) >= _RESOLVED_MAX:
                _RESOLVED.clear()
            _RESOLVED[key] = tag
        return tag

    def represent_data(self, data: Any) -> Any:
        """Scalars straight to their representer: what SafeRepresenter does for them (they
        are never aliased) without its lookups, which cost most of a dump's time."""
        kind = type(data)
        if kind is str:
            self.alias_key = None
            return self.represent_str(data)
        if kind is int:
            self.alias_key = None
            return self.represent_int(data)
        if kind is bool:
            self.alias_key = None
            return self.represent_bool(data)
        return super().represent_data(data)


_Dumper.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN"))
# YAML 1.2 core-schema numbers that YAML 1.1 reads as strings (go-yaml v3 also drops '_',
# and parses what follows a `0b` or `0o` as a signed number: `0b+0` is 0, `0o-7` is -7).
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(?:0o_*[-+]?[0-7_]+|0b_*[-+]?[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$"),
    list("-+0123456789"),
)
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\.[0-9_]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9_]+)?$"),
    list("-+.0123456789"),
)


# The text of documents dumped before, by a digest of their repr (which tells apart what
# YAML writes differently: 1 and '1', a tuple and a list, key order): `validate --changed`
# renders the tree at the base revision and now, and the documents of the apps that did not
# change are dumped once; generator.builds.dumps keeps them across runs. Bounded; the output
# does not depend on what it holds.
_DUMPED: dict[str, str] = {}
_USED: set[str] = set()  # the keys this run dumped or found
_NEW: set[str] = set()  # the keys this run dumped
_DUMPED_MAX = 200_000
_LATER: list[Callable[[], Mapping[str, str]]] = []  # texts to `remember` at the first dump


def _key(document: Any) -> str:
    return hashlib.blake2b(repr(document).encode("utf-8"), digest_size=16).hexdigest()


def dump(document: Any, sort_keys: bool = False) -> str:
    """`document` as block YAML; keys in the order built unless `sort_keys`."""
    if sort_keys:
        return _dump(document, sort_keys)
    if _LATER:
        remember(_LATER.pop()())
    key = _key(document)
    text = _DUMPED.get(key)
    if text is None:
        text = _dump(document, sort_keys)
        if len(_DUMPED) >= _DUMPED_MAX:
            _DUMPED.clear()
            _USED.clear()
            _NEW.clear()
        _DUMPED[key] = text
        _NEW.add(key)
    _USED.add(key)
    return text


def new_run(later: Callable[[], Mapping[str, str]] | None = None) -> None:
    """Start counting what a run uses and dumps (`remembered`) afresh; `later` gives the
    texts an earlier run dumped, read at this run's first dump (a run that dumps nothing
    does not read them)."""
    _USED.clear()
    _NEW.clear()
    _LATER[:] = [] if later is None else [later]


def remember(entries: Mapping[str, str]) -> None:
    """Take the texts an earlier run dumped (key -> text, as `remembered` gave them)."""
    for key, text in entries.items():
        if len(_DUMPED) >= _DUMPED_MAX:
            return
        _DUMPED.setdefault(key, text)


def remembered() -> tuple[dict[str, str], dict[str, str], bool]:
    """What this process holds: the texts this run used, the others, and whether it
    dumped any document it was not given."""
    used = {k: t for k, t in _DUMPED.items() if k in _USED}
    others = {k: t for k, t in _DUMPED.items() if k not in _USED}
    return used, others, bool(_NEW)


_STR, _INT, _BOOL, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "bool", "null"))
_MAP, _SEQ = "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"


class _Unplain(Exception):
    """A value `_node` leaves to PyYAML's representer."""


def _node(data: Any) -> Node:
    """The node SafeRepresenter makes of `data` (block style, keys in the order built), for
    the types generated documents hold, without its per-value lookups. No node is shared:
    the representer would alias an object met twice, and generated files never hold an
    alias (tests/test_golden.py)."""
    kind = type(data)
    if kind is str:
        return ScalarNode(_STR, data)
    if kind is dict:
        pairs = [(_node(k), _node(v)) for k, v in data.items()]
        return MappingNode(_MAP, pairs, flow_style=False)
    if kind is list:
        return SequenceNode(_SEQ, [_node(v) for v in data], flow_style=False)
    if kind is bool:
        return ScalarNode(_BOOL, "true" if data else "false")
    if kind is int:
        return ScalarNode(_INT, str(data))
    if data is None:
        return ScalarNode(_NULL, "null")
    raise _Unplain


def _options(sort_keys: bool) -> dict[str, Any]:
    return {
        "sort_keys": sort_keys,
        "default_flow_style": False,
        "allow_unicode": True,
        "width": 4096,
        "indent": 2,
    }


def _dump(document: Any, sort_keys: bool) -> str:
    if not sort_keys:
        try:
            node = _node(document)
        except _Unplain:
            pass
        else:
            stream = io.StringIO()
            dumper = _Dumper(stream, **_options(sort_keys))
            try:
                dumper.open()
                dumper.serialize(node)
                dumper.close()
            finally:
                dumper.dispose()
            return stream.getvalue()
    return _represented(document, sort_keys)


def _represented(document: Any, sort_keys: bool) -> str:
    """`document` through PyYAML's representer: what `_dump` writes, for any value."""
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        **_options(sort_keys),
    )
    return text


def dump_all(documents: Sequence[Any]) -> str:
    return "---\n".join(dump(d) for d in documents)

"""Deterministic YAML text for generated files: block style, keys in the order built.

PyYAML resolves plain scalars by YAML 1.1, Kustomize and Argo CD by go-yaml (v3: YAML 1.2
numbers; v2, under sigs.k8s.io/yaml: also `y` and `n` as booleans). The dumper quotes a
string that any of them would read as something else, so `0o17`, `1e3` or `y` stays a
string for every reader.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import yaml

_Base: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _Dumper(_Base):  # type: ignore[misc, valid-type]
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
# YAML 1.2 core-schema numbers that YAML 1.1 reads as strings (go-yaml v3 also drops '_').
_Dumper.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?(?:0o[0-7_]+|0b[01_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$"),
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


def _dump(document: Any, sort_keys: bool) -> str:
    text: str = yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=sort_keys,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
        indent=2,
    )
    return text


def dump_all(documents: Sequence[Any]) -> str:
    return "---\n".join(dump(d) for d in documents)

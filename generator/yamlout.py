"""Deterministic YAML text for generated files: block style, keys in the order built."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml

_Dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def dump(document: Any) -> str:
    return yaml.dump(
        document,
        Dumper=_Dumper,
        sort_keys=False,
        default_flow_style=False,
        allow_unicode=True,
        width=4096,
        indent=2,
    )


def dump_all(documents: Sequence[Any]) -> str:
    return "---\n".join(dump(d) for d in documents)

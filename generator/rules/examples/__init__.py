"""Read a rule's example files (package data beside this module)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.rule import RuleContext

EXAMPLES_DIR = Path(__file__).parent
DEFAULT_KUBERNETES_VERSION = "1.31"


@dataclass(frozen=True)
class Examples:
    rule_id: str
    failing: str
    passing: str
    context: RuleContext


def examples_for(rule_id: str) -> Examples | None:
    folder = EXAMPLES_DIR / rule_id
    if not (folder / "fail.yaml").is_file() or not (folder / "pass.yaml").is_file():
        return None
    context_file = folder / "context.yaml"
    fields: dict[str, Any] = {"kubernetes_version": DEFAULT_KUBERNETES_VERSION}
    if context_file.is_file():
        fields.update(yaml.safe_load(context_file.read_text(encoding="utf-8")) or {})
    return Examples(
        rule_id=rule_id,
        failing=(folder / "fail.yaml").read_text(encoding="utf-8"),
        passing=(folder / "pass.yaml").read_text(encoding="utf-8"),
        context=RuleContext(**fields),
    )

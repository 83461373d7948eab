"""Read a rule's example files (package data beside this module).

A manifest rule's examples are Kubernetes manifests checked in a `RuleContext`; a catalog
rule's examples (`generator.catalog.rules.CATALOG_RULES`) are whole catalogs and have no
context; a promotion rule's examples (`generator.rules.promotion.PROMOTION_RULES`) are whole
catalogs too, after the revisions of catalog.yaml in `history/` (oldest first); a chart
rule's examples (`generator.rules.chart.CHART_RULES`) are whole catalogs whose repository
holds the charts in `_charts/` as its `charts/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.catalog.rules import CATALOG_RULES
from generator.rule import RuleContext
from generator.rules.chart import CHART_RULES
from generator.rules.promotion import PROMOTION_RULES

EXAMPLES_DIR = Path(__file__).parent
DEFAULT_KUBERNETES_VERSION = "1.31"
CATALOG_RULE_IDS = frozenset(r.id for r in CATALOG_RULES)
WHOLE_CATALOG_IDS = (
    CATALOG_RULE_IDS
    | frozenset(r.id for r in PROMOTION_RULES)
    | frozenset(r.id for r in CHART_RULES)
)
# tree- examples change one file of the tree this catalog generates; their context.yaml
# names the file (`path`) and what the failing or passing side does with it (`delete`).
TREE_CATALOG = EXAMPLES_DIR / "_tree" / "catalog.yaml"
# chart- examples are validated in a repository whose charts/ is this folder.
EXAMPLE_CHARTS = EXAMPLES_DIR / "_charts"


def tree_setup(rule_id: str) -> dict[str, str]:
    """The `path`, and the optional `fail`/`pass` action, of a tree- rule's example."""
    data: Any = yaml.safe_load(
        (EXAMPLES_DIR / rule_id / "context.yaml").read_text(encoding="utf-8")
    )
    return {str(k): str(v) for k, v in data.items()}


@dataclass(frozen=True)
class Examples:
    rule_id: str
    failing: str
    passing: str
    context: RuleContext | None  # None for catalog rules: the example is the whole catalog
    history: tuple[tuple[str, str], ...] = ()  # (file name, catalog) committed before, oldest first


def example_folders() -> list[str]:
    """The names of every example folder (each should be a rule id), sorted."""
    return sorted(p.name for p in EXAMPLES_DIR.iterdir() if p.is_dir() and p.name[0] not in "._")


def _context(folder: Path) -> RuleContext:
    context_file = folder / "context.yaml"
    fields: dict[str, Any] = {"kubernetes_version": DEFAULT_KUBERNETES_VERSION}
    if context_file.is_file():
        fields.update(yaml.safe_load(context_file.read_text(encoding="utf-8")) or {})
    return RuleContext(**fields)


def examples_for(rule_id: str) -> Examples | None:
    folder = EXAMPLES_DIR / rule_id
    if not (folder / "fail.yaml").is_file() or not (folder / "pass.yaml").is_file():
        return None
    return Examples(
        rule_id=rule_id,
        failing=(folder / "fail.yaml").read_text(encoding="utf-8"),
        passing=(folder / "pass.yaml").read_text(encoding="utf-8"),
        context=None
        if rule_id in WHOLE_CATALOG_IDS or rule_id.startswith("tree-")
        else _context(folder),
        history=tuple(
            (f"history/{p.name}", p.read_text(encoding="utf-8"))
            for p in sorted((folder / "history").glob("*.yaml"))
        ),
    )

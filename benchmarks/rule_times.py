"""Time spent in each manifest rule, over every object a catalog renders (what `generate`
checks before it writes, and what `validate` checks again on the built overlays).

Each rule's check is wrapped in a timer and the rules run through the same code as
generate's (generator.validate.preflight), so the table shows which rules a big catalog
pays for; a rule that compared every pod with every policy would stand out here.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from generator.catalog.build import build_catalog
from generator.finding import Finding
from generator.manifest import Manifest
from generator.rule import ManifestCheck, RuleContext
from generator.rules import MANIFEST_RULES
from generator.validate.preflight import preflight_findings
from generator.yamlio import load_located


def _timed(check: ManifestCheck, rule: str, times: Counter[str]) -> ManifestCheck:
    def timed(manifests: Sequence[Manifest], ctx: RuleContext) -> Any:
        start = time.perf_counter()
        found = list(check(manifests, ctx))
        times[rule] += time.perf_counter() - start
        return found

    return timed


def rule_times(catalog_text: str) -> tuple[list[tuple[str, float]], float, list[Finding]]:
    """(rule id, seconds) for every rule, slowest first; the whole check's seconds; and its
    findings (a finding-free catalog gives [])."""
    doc = load_located(catalog_text, "catalog.yaml")
    catalog = build_catalog(doc)
    times: Counter[str] = Counter()
    rules = tuple(replace(r, check=_timed(r.check, r.rule.id, times)) for r in MANIFEST_RULES)
    start = time.perf_counter()
    findings = preflight_findings(doc, catalog, rules)
    total = time.perf_counter() - start
    ranked = sorted(times.items(), key=lambda item: (-item[1], item[0]))
    return ranked, total, findings


def rule_table(ranked: list[tuple[str, float]], total: float, top: int = 15) -> list[str]:
    ruled = sum(seconds for _, seconds in ranked)
    lines = ["| rule | seconds | share of the check |", "|---|---:|---:|"]
    for rule, seconds in ranked[:top]:
        lines.append(f"| `{rule}` | {seconds:.3f} | {100 * seconds / total:.1f}% |")
    rest = sum(seconds for _, seconds in ranked[top:])
    lines.append(
        f"| the other {len(ranked) - top} rules | {rest:.3f} | {100 * rest / total:.1f}% |"
    )
    lines.append(
        f"| rendering the objects and placing findings (no rule) | {total - ruled:.3f} "
        f"| {100 * (total - ruled) / total:.1f}% |"
    )
    return lines

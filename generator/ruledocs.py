"""Rule documentation generated from the registry: `docs/rules.md`, `gitopsgen rules` and
`gitopsgen explain`."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import fields

from generator.rule import FAMILIES, Rule
from generator.rules.examples import Examples, examples_for

ExamplesLookup = Callable[[str], Examples | None]
REGENERATE = "gitopsgen rules --format markdown > docs/rules.md"


def by_family(rules: Sequence[Rule]) -> list[tuple[str, list[Rule]]]:
    """Families in their documented order, rules by id within each."""
    ordered = sorted(rules, key=lambda r: (FAMILIES.index(r.family), r.id))
    groups: dict[str, list[Rule]] = {}
    for rule in ordered:
        groups.setdefault(rule.family, []).append(rule)
    return list(groups.items())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _fenced(text: str) -> str:
    return "```yaml\n" + text + ("" if text.endswith("\n") else "\n") + "```"


def context_lines(examples: Examples) -> list[str]:
    """The example context as a paragraph; none for catalog examples, which are whole catalogs."""
    ctx = examples.context
    if ctx is None:
        return []
    values = ((f.name, getattr(ctx, f.name), f.default) for f in fields(ctx))
    shown = ", ".join(f"{name}={value}" for name, value, default in values if value != default)
    return [f"Example context: {shown}", ""]


def _rule_section(rule: Rule, examples: Examples | None) -> list[str]:
    lines = [f"### `{rule.id}`", "", f"**{rule.severity.value}**: {rule.summary}", ""]
    lines += [rule.description.strip(), ""]
    if examples is not None:
        lines += context_lines(examples)
        for number, (name, text) in enumerate(examples.history, start=1):
            lines += [f"Commit {number} of catalog.yaml ({name}):", "", _fenced(text), ""]
        lines += ["Failing example:", "", _fenced(examples.failing), ""]
        lines += ["Passing example:", "", _fenced(examples.passing), ""]
    return lines


def rules_markdown(rules: Sequence[Rule], examples: ExamplesLookup = examples_for) -> str:
    lines = [
        "# Rules",
        "",
        f"Generated from the rule registry by `{REGENERATE}`; do not edit by hand.",
        "`gitopsgen explain RULE_ID` shows one rule with its examples.",
        "",
    ]
    if not rules:
        return "\n".join([*lines, "No rules are registered.", ""])
    lines += ["| rule | family | severity | summary |", "|---|---|---|---|"]
    groups = by_family(rules)
    for family, members in groups:
        lines += [
            f"| [`{r.id}`](#{r.id}) | {family} | {r.severity.value} | {_cell(r.summary)} |"
            for r in members
        ]
    lines.append("")
    for family, members in groups:
        lines += [f"## {family}", ""]
        for rule in members:
            lines += _rule_section(rule, examples(rule.id))
    return "\n".join(lines)


def rules_json(rules: Sequence[Rule]) -> str:
    document = {
        "version": 1,
        "rules": [
            {
                "id": r.id,
                "family": r.family,
                "severity": r.severity.value,
                "summary": r.summary,
                "description": r.description,
            }
            for _, members in by_family(rules)
            for r in members
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def explain_text(rule: Rule, examples: Examples | None) -> str:
    lines = [
        rule.id,
        f"family: {rule.family}",
        f"severity: {rule.severity.value}",
        f"summary: {rule.summary}",
        "",
        rule.description.strip(),
        "",
    ]
    if examples is None:
        return "\n".join([*lines, "No examples.", ""])
    lines += context_lines(examples)
    for number, (name, text) in enumerate(examples.history, start=1):
        lines += [f"Commit {number} of catalog.yaml ({name}):", text.rstrip("\n"), ""]
    lines += ["Failing example (fail.yaml):", examples.failing.rstrip("\n"), ""]
    lines += ["Passing example (pass.yaml):", examples.passing.rstrip("\n"), ""]
    return "\n".join(lines)

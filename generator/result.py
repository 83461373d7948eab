"""The result of a run (lint or validate): what every reporter formats."""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import EXIT_CLEAN, EXIT_FINDINGS
from generator.finding import Finding, Severity, sorted_findings
from generator.rule import Rule


@dataclass(frozen=True)
class Result:
    """Findings in stable order, how many files were read, and the rules that were in force.

    `findings` is sorted (and de-duplicated) and `rules` sorted by id on construction, so
    two runs over the same input compare equal and every reporter is deterministic.
    """

    findings: tuple[Finding, ...] = ()
    files: int = 0
    rules: tuple[Rule, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "findings", tuple(sorted_findings(tuple(self.findings))))
        by_id = {rule.id: rule for rule in self.rules}
        object.__setattr__(self, "rules", tuple(by_id[key] for key in sorted(by_id)))

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.WARNING)

    @property
    def exit_code(self) -> int:
        """1 when any finding is an error, else 0 (warnings alone do not fail a run)."""
        return EXIT_FINDINGS if self.errors else EXIT_CLEAN


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def summary_line(result: Result) -> str:
    """`2 errors, 1 warning in 3 files`, or `no problems in 3 files`."""
    where = plural(result.files, "file")
    if not result.findings:
        return f"no problems in {where}"
    return f"{plural(result.errors, 'error')}, {plural(result.warnings, 'warning')} in {where}"

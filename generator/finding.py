"""Findings: what a rule or the catalog loader reports, as plain data."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Position:
    """A place a person can click: a path relative to the repository root (or as given), 1-based."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, order=True)
class Resource:
    kind: str
    name: str
    namespace: str | None = None


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    position: Position
    resource: Resource | None = None
    environment: str | None = None

    @property
    def path(self) -> str:
        return self.position.path

    @property
    def line(self) -> int:
        return self.position.line

    @property
    def column(self) -> int:
        return self.position.column

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.rule, self.message)

    def __str__(self) -> str:
        return f"{self.position}: {self.severity.value}: {self.message} ({self.rule})"


def sorted_findings(findings: list[Finding] | tuple[Finding, ...]) -> list[Finding]:
    """Findings in a stable order: by file, line, column, rule, message; duplicates dropped."""
    unique = {(f.sort_key(), f.severity, f.resource, f.environment): f for f in findings}
    return [unique[k] for k in sorted(unique, key=lambda k: k[0])]


def has_errors(findings: list[Finding] | tuple[Finding, ...]) -> bool:
    return any(f.severity is Severity.ERROR for f in findings)

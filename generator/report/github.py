"""GitHub Actions workflow commands: one `::error` / `::warning` annotation per finding.

Escaping follows the runner (actions/toolkit `command.ts`): in the message `%`, CR and LF
are percent-encoded; in property values also `:` and `,`. `%` goes first so nothing is
encoded twice.
"""

from __future__ import annotations

from generator.finding import Finding
from generator.result import Result, summary_line


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = ",".join(
        f"{key}={escape_property(value)}"
        for key, value in (
            ("file", finding.path),
            ("line", str(finding.line)),
            ("col", str(finding.column)),
            ("title", finding.rule),
        )
    )
    return f"::{finding.severity.value} {properties}::{escape_data(finding.message)}"


def report(result: Result) -> str:
    lines = [annotation(f) for f in result.findings]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"

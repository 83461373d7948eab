"""Plain text: one `path:line:col: severity: message (rule-id)` line per finding, then a summary."""

from __future__ import annotations

from generator.result import Result, summary_line


def report(result: Result) -> str:
    lines = [str(finding) for finding in result.findings]
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"

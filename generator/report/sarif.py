"""SARIF 2.1.0: one run whose driver lists the rules in force; one result per finding.

Relative paths become relative URIs against `%SRCROOT%` (what GitHub code scanning
resolves against the checkout); an absolute path becomes a `file:` URI with no base id,
since resolving it against the source root would name a different file.
"""

from __future__ import annotations

import json
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from generator import __version__
from generator.finding import Finding, Severity
from generator.result import Result
from generator.rule import Rule

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def artifact_location(path: str) -> dict[str, str]:
    posix = PurePosixPath(path.replace("\\", "/"))
    if posix.is_absolute():
        return {"uri": "file://" + quote(posix.as_posix())}
    return {"uri": quote(posix.as_posix()), "uriBaseId": SRCROOT}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {
            "text": f"{rule.description}\n\nRun `gitopsgen explain {rule.id}` "
            "for a failing and a passing example."
        },
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family]},
    }


def sarif_result(finding: Finding, index: dict[str, int]) -> dict[str, Any]:
    data: dict[str, Any] = {"ruleId": finding.rule}
    if finding.rule in index:
        data["ruleIndex"] = index[finding.rule]
    data["level"] = LEVELS[finding.severity]
    data["message"] = {"text": finding.message}
    data["locations"] = [
        {
            "physicalLocation": {
                "artifactLocation": artifact_location(finding.path),
                "region": {"startLine": finding.line, "startColumn": finding.column},
            }
        }
    ]
    return data


def report(result: Result) -> str:
    index = {rule.id: i for i, rule in enumerate(result.rules)}
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gitopsgen",
                        "version": __version__,
                        "rules": [rule_descriptor(rule) for rule in result.rules],
                    }
                },
                "results": [sarif_result(f, index) for f in result.findings],
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"

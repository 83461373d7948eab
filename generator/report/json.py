"""The JSON contract (ARCHITECTURE §5): `{"version": 1, "findings": [...], "summary": {...}}`.

Keys come in the documented order; `resource` and `environment` are present only where known,
and a resource's `namespace` is `null` for cluster-scoped or unnamespaced objects.
"""

from __future__ import annotations

import json
from typing import Any

from generator.finding import Finding
from generator.result import Result

VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
    }
    if finding.resource is not None:
        data["resource"] = {
            "kind": finding.resource.kind,
            "name": finding.resource.name,
            "namespace": finding.resource.namespace,
        }
    if finding.environment is not None:
        data["environment"] = finding.environment
    return data


def report(result: Result) -> str:
    document = {
        "version": VERSION,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {"errors": result.errors, "warnings": result.warnings, "files": result.files},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

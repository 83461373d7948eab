"""Findings kept in the cache (generator.builds.cache) under the key of what they were
computed from, so a warm `validate` of an unchanged repository runs no rule twice."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from generator.builds import keys
from generator.builds.cache import Cache
from generator.finding import Finding, Position, Resource, Severity
from generator.rule import ManifestRule

FINDINGS = "findings"

Checked = tuple[list[Finding], list[ManifestRule]]  # findings, and the rules in force


def catalog_key(cache: Cache | None, text: str, shown: str) -> str | None:
    """The key of what the catalog alone decides (its rendered objects' findings)."""
    if cache is None:
        return None
    return keys.Digest("catalog").add(keys.tool()).add(shown).add(text).hexdigest()


def environment_key(
    catalog: str | None,
    environment: str,
    folders: Sequence[tuple[str, str | None]],
    rules: Sequence[ManifestRule],
) -> str | None:
    """The key of an environment's findings: the catalog key, the environment, the build
    key of each of its folders in order (None for a failed build: it may not fail again),
    and the rule set; None when one is unknown."""
    rule_set = keys.rules_key(rules)
    if catalog is None or rule_set is None or any(key is None for _, key in folders):
        return None
    digest = keys.Digest("environment").add(catalog).add(environment).add(rule_set)
    for folder, key in folders:
        digest.add(folder).add(key or "")
    return digest.hexdigest()


def checked(
    cache: Cache | None,
    key: str | None,
    rules: Sequence[ManifestRule],
    compute: Callable[[], Checked],
) -> Checked:
    """`compute()`, or what it returned for the same key before."""
    if cache is None or key is None:
        return compute()
    text = cache.get(FINDINGS, key)
    if text is not None:
        try:
            data = json.loads(text)
            by_id = {r.rule.id: r for r in rules}
            return [_finding(f) for f in data["findings"]], [by_id[i] for i in data["rules"]]
        except (ValueError, KeyError, TypeError):
            pass  # an entry of another shape: compute it again
    found, in_force = compute()
    entry = {"findings": [_data(f) for f in found], "rules": [r.rule.id for r in in_force]}
    cache.put(FINDINGS, key, json.dumps(entry))
    return found, in_force


def findings(
    cache: Cache | None, key: str | None, compute: Callable[[], list[Finding]]
) -> list[Finding]:
    return checked(cache, key, (), lambda: (compute(), []))[0]


def _data(f: Finding) -> dict[str, Any]:
    resource = f.resource
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "position": [f.path, f.line, f.column],
        "resource": None
        if resource is None
        else [resource.kind, resource.name, resource.namespace],
        "environment": f.environment,
    }


def _finding(data: dict[str, Any]) -> Finding:
    resource = data["resource"]
    return Finding(
        rule=data["rule"],
        severity=Severity(data["severity"]),
        message=data["message"],
        position=Position(*data["position"]),
        resource=None if resource is None else Resource(*resource),
        environment=data["environment"],
    )

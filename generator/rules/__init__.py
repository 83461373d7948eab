"""The rule registry: one explicit table per family, assembled here in family order."""

from __future__ import annotations

from generator.rule import ManifestRule, Rule
from generator.rules import (
    api,
    image,
    network,
    pod_security,
    quota,
    rbac,
    schema,
    secrets,
    workload,
)

MANIFEST_RULES: tuple[ManifestRule, ...] = (
    *schema.RULES,
    *pod_security.RULES,
    *image.RULES,
    *workload.RULES,
    *quota.RULES,
    *network.RULES,
    *secrets.RULES,
    *rbac.RULES,
    *api.RULES,
)


def all_rules() -> tuple[Rule, ...]:
    """Every rule's data, sorted by id."""
    return tuple(sorted((r.rule for r in MANIFEST_RULES), key=lambda r: r.id))

"""The rule registry: one explicit table per family, assembled here in family order."""

from __future__ import annotations

from generator.catalog.rules import CATALOG_RULES
from generator.rule import ManifestRule, Rule
from generator.rules import (
    api,
    argocd,
    chart,
    image,
    network,
    pod_security,
    promotion,
    quota,
    rbac,
    schema,
    secrets,
    tree,
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
    """Every rule's data (catalog, manifest and tree rules), sorted by id."""
    every = [
        *CATALOG_RULES,
        *(r.rule for r in MANIFEST_RULES),
        *argocd.ARGOCD_RULES,
        *chart.CHART_RULES,
        *promotion.PROMOTION_RULES,
        *tree.TREE_RULES,
    ]
    return tuple(sorted(every, key=lambda r: r.id))

"""`chart-` rules: Helm charts `validate` renders (chart apps and cluster add-ons), and which
manifest rules check what a platform add-on renders.

Chart apps run in an environment like any app: every manifest rule of the environment
checks their output. Add-ons are the platform itself, installed once per cluster into
namespaces of their own: they legitimately create cluster-scoped kinds (CRDs, ClusterRoles,
webhooks), bind wide roles and run privileged node agents, and their namespaces carry none
of an environment's guardrails (Pod Security level, quota, default-deny, access). So on
add-ons only the rules that say whether the objects are valid and will work run
(`ADDON_RULE_IDS`): schemas and API versions of the cluster, mutable image tags, literal
credentials, and the workload and network wiring checks.
"""

from __future__ import annotations

from collections.abc import Sequence

from generator.finding import Severity
from generator.rule import ManifestRule, Rule

UNAVAILABLE = Rule(
    "chart-unavailable",
    Severity.WARNING,
    "Every chart validate renders can be obtained.",
    "A chart app or add-on names a chart version that is not in the repository's `charts/` "
    "(`<name>-<version>.tgz`, or an unpacked `<name>/` whose Chart.yaml has that version), "
    "not in the user's Helm cache, and could not be pulled (offline, unreachable, or no "
    "such version). Its rendered objects are not checked: one warning per chart and "
    "version says so. Add the archive to `charts/` (`helm pull --repo URL NAME --version "
    "VERSION -d charts`), or run validate where the chart repository can be reached.",
)
RENDER = Rule(
    "chart-render",
    Severity.ERROR,
    "Every chart renders with its values.",
    "Helm cannot render the chart with the values Argo CD would give it (chart defaults < "
    "`valueFiles` in order < `values`): a template fails (`required`, `fail`), the values "
    "break the chart's values.schema.json, a value file cannot be read or is not a "
    "mapping, or the output is not Kubernetes YAML. Argo CD would fail to sync it; fix the "
    "values the message names.",
)

CHART_RULES: tuple[Rule, ...] = (RENDER, UNAVAILABLE)

# The manifest rules in force on add-ons (see the module's documentation).
ADDON_RULE_IDS = frozenset(
    {
        "schema-invalid",
        "schema-missing-type",
        "schema-unknown-kind",
        "api-deprecated",
        "api-removed",
        "image-tag-latest",
        "image-tag-required",
        "secrets-credential-value",
        "secrets-literal-credential",
        "workload-container-names",
        "workload-container-ports",
        "workload-disruption-budget-fields",
        "workload-hpa",
        "workload-selector",
        "workload-volume-mount",
        "network-ingress-backend",
        "network-ingress-host",
        "network-service-target-port",
    }
)


def addon_rules(rules: Sequence[ManifestRule]) -> tuple[ManifestRule, ...]:
    """Those of `rules` in force on add-ons."""
    return tuple(r for r in rules if r.rule.id in ADDON_RULE_IDS)

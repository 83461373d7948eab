"""`workload-` rules on availability: PodDisruptionBudgets the API server refuses or that
select the wrong pods, and replicated workloads without a spread."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from generator.finding import Finding, Severity
from generator.k8s.selection import describe
from generator.k8s.workloads import Workload, count, mapping, resource_of, workloads
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.workload_scaling import (
    REPLICATED_KINDS,
    allowed_disruptions,
    budgets_of,
    judged_by_disruption_budget,
    replica_text,
    running,
)

BUDGET_FIELDS_RULE = Rule(
    id="workload-disruption-budget-fields",
    severity=Severity.ERROR,
    summary="A PodDisruptionBudget sets minAvailable or maxUnavailable, not both.",
    description=(
        "The two are mutually exclusive: the API server refuses a PodDisruptionBudget that "
        "sets both (a null value counts as unset)."
    ),
)

BUDGET_PODS_RULE = Rule(
    id="workload-disruption-budget-pods",
    severity=Severity.WARNING,
    summary="A PodDisruptionBudget selects the pods of exactly one workload, and allows a drain.",
    description=(
        "Reported for each PodDisruptionBudget: one that selects no pod of the set (none at "
        "all without a selector; policy/v1 selects every pod with an empty one), one whose "
        "pods come from several workloads (they are counted together, so one workload may "
        "lose all its pods at once), one of two or more budgets selecting the same pods (the "
        "eviction API refuses to evict a pod under more than one budget, so drains block), "
        "and one that allows no disruption of a workload (maxUnavailable 0, or minAvailable "
        "at or above its replicas), where `workload-disruption-budget` does not already judge "
        "that workload (outside environments with minReplicas, and for single replicas and "
        "other kinds)."
    ),
)

HIGH_AVAILABILITY_RULE = Rule(
    id="workload-high-availability",
    severity=Severity.WARNING,
    summary="Replicated Deployments and StatefulSets spread their pods over nodes or zones.",
    description=(
        "In force where the environment sets `minReplicas`. A Deployment or StatefulSet that "
        "may run more than one replica (spec.replicas, or its autoscaler's maxReplicas) needs "
        "topologySpreadConstraints or a podAntiAffinity; without either the scheduler may put "
        "every replica on one node, and one node failure takes the workload down. The "
        "generator adds a spread over nodes and zones to apps that name none."
    ),
)


def check_budget_fields(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for budget in manifests:
        spec = mapping(budget.obj.get("spec"))
        if budget.kind != "PodDisruptionBudget":
            continue
        if spec.get("minAvailable") is None or spec.get("maxUnavailable") is None:
            continue
        yield BUDGET_FIELDS_RULE.finding(
            f"{budget.label()} sets both minAvailable and maxUnavailable, which the API server "
            "refuses; keep one (maxUnavailable: 1 lets drains take one pod at a time)",
            budget.position("spec", "maxUnavailable"),
            resource_of(budget, ctx.namespace),
            ctx.environment,
        )


def _blocks(budget: Manifest, workload: Workload) -> str | None:
    """Why `budget` allows no disruption of `workload`'s pods, or None."""
    spec = mapping(budget.obj.get("spec"))
    if workload.replicas is None:  # a DaemonSet: one pod per node, count unknown
        if spec.get("maxUnavailable") in (0, "0%"):
            return f"maxUnavailable {spec['maxUnavailable']}"
        if "maxUnavailable" not in spec and spec.get("minAvailable") == "100%":
            return "minAvailable 100%"
        return None
    pods = running(workload)
    if pods < 1:
        return None
    allowed, reason = allowed_disruptions(budget, pods)
    return reason if allowed < 1 else None


def check_budget_pods(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    found = workloads(manifests, ctx.namespace)
    selections, by_workload = budgets_of(manifests, found, ctx)
    for budget, selected in selections:
        resource = resource_of(budget, ctx.namespace)
        selector = get(budget.obj, "spec", "selector")
        if not selected:
            what = f"pods labelled {describe(selector)}" if isinstance(selector, Mapping) else ""
            yield BUDGET_PODS_RULE.finding(
                f"{budget.label()} selects no pod of the set"
                + (f" ({what})" if what else ": it has no selector")
                + ", so it protects nothing; select the pods of the workload it is for",
                budget.position("spec", "selector"),
                resource,
                ctx.environment,
            )
            continue
        if len(selected) > 1:
            shown = " and ".join(w.label for w in selected[:3])
            yield BUDGET_PODS_RULE.finding(
                f"{budget.label()} selects the pods of {shown} and counts them together, so one "
                "of them may lose all its pods at once; give each workload its own budget",
                budget.position("spec", "selector"),
                resource,
                ctx.environment,
            )
        for workload in selected:
            others = [b for b in by_workload[id(workload.manifest)] if b is not budget]
            if others and by_workload[id(workload.manifest)][0] is not budget:
                yield BUDGET_PODS_RULE.finding(
                    f"{budget.label()} selects the pods of {workload.label} like "
                    f"{others[0].label()} does; the eviction API refuses to evict a pod under "
                    "two budgets, so node drains block: keep one",
                    budget.position("spec", "selector"),
                    resource,
                    ctx.environment,
                )
            reason = (
                None if judged_by_disruption_budget(workload, ctx) else _blocks(budget, workload)
            )
            if reason is not None:
                field = reason.split(" ")[0]
                pods = (
                    ""
                    if workload.replicas is None
                    else f"the {replica_text(running(workload))} of "
                )
                yield BUDGET_PODS_RULE.finding(
                    f"{budget.label()} allows no disruption of {pods}{workload.label} ({reason}), "
                    "so node drains block; set maxUnavailable: 1",
                    budget.position("spec", field),
                    resource,
                    ctx.environment,
                )


def _most(workload: Workload) -> int:
    """The most replicas a workload may run: its autoscaler's maxReplicas, else replicas."""
    if workload.hpa is not None:
        return count(get(workload.hpa.obj, "spec", "maxReplicas"), workload.replicas or 1)
    return workload.replicas or 0


def _spread(spec: Mapping[str, object]) -> bool:
    constraints = spec.get("topologySpreadConstraints")
    anti = mapping(get(spec, "affinity", "podAntiAffinity"))
    return (isinstance(constraints, list) and bool(constraints)) or any(
        isinstance(anti.get(field), list) and anti.get(field)
        for field in (
            "requiredDuringSchedulingIgnoredDuringExecution",
            "preferredDuringSchedulingIgnoredDuringExecution",
        )
    )


def check_high_availability(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload in workloads(manifests, ctx.namespace):
        most = _most(workload)
        spec = mapping(get(workload.manifest.obj, "spec", "template", "spec"))
        if workload.kind not in REPLICATED_KINDS or most <= 1 or _spread(spec):
            continue
        yield HIGH_AVAILABILITY_RULE.finding(
            f"{workload.label} may run {replica_text(most)} but sets neither "
            "topologySpreadConstraints nor a podAntiAffinity, so the scheduler may put them all "
            "on one node; spread them over kubernetes.io/hostname and topology.kubernetes.io/zone",
            workload.manifest.position("spec", "template", "spec"),
            resource_of(workload.manifest, ctx.namespace),
            ctx.environment,
        )


BUDGET_FIELDS = ManifestRule(BUDGET_FIELDS_RULE, check_budget_fields)
BUDGET_PODS = ManifestRule(BUDGET_PODS_RULE, check_budget_pods)
HIGH_AVAILABILITY = ManifestRule(
    HIGH_AVAILABILITY_RULE, check_high_availability, lambda ctx: ctx.min_replicas is not None
)

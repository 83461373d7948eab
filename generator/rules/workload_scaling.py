"""`workload-` rules on scale: minimum replicas, PodDisruptionBudgets, autoscaler sanity."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from generator.finding import Finding, Severity
from generator.k8s.display import named, show
from generator.k8s.pod_resources import effective, limit_ranges
from generator.k8s.selection import LabelIndex, pod_index
from generator.k8s.workloads import (
    SCALABLE_KINDS,
    Workload,
    autoscalers,
    containers,
    count,
    hpa_target,
    mapping,
    namespace_of,
    resource_of,
    scaled,
    workloads,
)
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext

REPLICATED_KINDS = frozenset({"Deployment", "StatefulSet"})

MIN_REPLICAS_RULE = Rule(
    id="workload-min-replicas",
    severity=Severity.ERROR,
    summary="Deployments and StatefulSets run at least the environment's minReplicas.",
    description=(
        "In force where the environment sets `minReplicas`. The count is the autoscaler's "
        "minReplicas when a HorizontalPodAutoscaler targets the workload, else spec.replicas "
        "(default 1)."
    ),
)

DISRUPTION_BUDGET_RULE = Rule(
    id="workload-disruption-budget",
    severity=Severity.ERROR,
    summary="Replicated workloads have a PodDisruptionBudget that allows one disruption.",
    description=(
        "In force where the environment sets `minReplicas`. Every Deployment or StatefulSet "
        "running more than one replica (the autoscaler's minReplicas when one targets it) needs "
        "a PodDisruptionBudget in its namespace selecting its pods, and every such budget must "
        "allow at least one disruption (maxUnavailable >= 1, or minAvailable below the "
        "replicas; percentages round up as the disruption controller rounds them), or node "
        "drains block."
    ),
)

HPA_RULE = Rule(
    id="workload-hpa",
    severity=Severity.ERROR,
    summary="HorizontalPodAutoscalers are consistent and scale something that can be measured.",
    description=(
        "minReplicas (default 1) must not exceed maxReplicas; scaleTargetRef must name a "
        "Deployment, StatefulSet, ReplicaSet or ReplicationController of the set in the same "
        "namespace; a Utilization target on cpu or memory (autoscaling/v1, and v2 without "
        "metrics, default to 80% cpu) needs that request on every container of the target, "
        "since utilization is measured against it (a LimitRange default counts)."
    ),
)


def _has_min_replicas(ctx: RuleContext) -> bool:
    return ctx.min_replicas is not None


def running(workload: Workload) -> int:
    if workload.hpa is not None:
        return count(get(workload.hpa.obj, "spec", "minReplicas"), 1)
    return workload.replicas or 0


def replica_text(n: int) -> str:
    return f"{n} replica" if n == 1 else f"{n} replicas"


def check_min_replicas(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    minimum = ctx.min_replicas or 0
    for workload in workloads(manifests, ctx.namespace):
        if workload.kind not in REPLICATED_KINDS or running(workload) >= minimum:
            continue
        target = f"{workload.label}"
        if workload.hpa is not None:
            message = (
                f"{workload.hpa.label()} scales {target} down to "
                f"{replica_text(running(workload))}, below the environment's minimum of {minimum}; "
                f"set spec.minReplicas to at least {minimum}"
            )
            at, field = workload.hpa, "minReplicas"
        else:
            message = (
                f"{target} runs {replica_text(running(workload))}, below the environment's minimum "
                f"of {minimum}; set spec.replicas to at least {minimum}"
            )
            at, field = workload.manifest, "replicas"
        yield MIN_REPLICAS_RULE.finding(
            message,
            at.position("spec", field),
            resource_of(at, ctx.namespace),
            ctx.environment,
        )


def _written(value: object) -> str:
    """An int-or-percent as written (100%, 2), anything else as YAML (null)."""
    return value if isinstance(value, str) else show(value)


def allowed_disruptions(budget: Manifest, pods: int) -> tuple[int, str]:
    """Disruptions a budget allows for `pods` replicas, and the field that decides it."""
    spec = mapping(budget.obj.get("spec"))
    if "maxUnavailable" in spec:
        value = spec["maxUnavailable"]
        return scaled(value, pods, round_up=True) or 0, f"maxUnavailable {_written(value)}"
    if "minAvailable" in spec:
        value = spec["minAvailable"]
        needed = scaled(value, pods, round_up=True)
        return (pods if needed is None else pods - needed), f"minAvailable {_written(value)}"
    return 0, "neither minAvailable nor maxUnavailable"


def budget_selects(
    budget: Manifest, index: LabelIndex[Workload], ctx: RuleContext
) -> list[Workload]:
    """The workloads whose pods a PodDisruptionBudget selects: none without a selector (and,
    in policy/v1beta1, with an empty one), all of its namespace with an empty one."""
    selector = get(budget.obj, "spec", "selector")
    if not isinstance(selector, Mapping):
        return []
    empty = not mapping(selector).get("matchLabels") and not selector.get("matchExpressions")
    if empty and budget.api_version == "policy/v1beta1":
        return []
    return index.select(namespace_of(budget, ctx.namespace), selector)


def budgets_of(
    manifests: Sequence[Manifest], found: Sequence[Workload], ctx: RuleContext
) -> tuple[list[tuple[Manifest, list[Workload]]], dict[int, list[Manifest]]]:
    """Each budget with the workloads it selects, and each workload's (by id of its manifest)
    budgets."""
    index = pod_index(found)
    selections = [
        (b, budget_selects(b, index, ctx)) for b in manifests if b.kind == "PodDisruptionBudget"
    ]
    by_workload: dict[int, list[Manifest]] = {}
    for budget, selected in selections:
        for workload in selected:
            by_workload.setdefault(id(workload.manifest), []).append(budget)
    return selections, by_workload


def judged_by_disruption_budget(workload: Workload, ctx: RuleContext) -> bool:
    """Whether `workload-disruption-budget` looks at this workload's budgets."""
    return (
        ctx.min_replicas is not None and workload.kind in REPLICATED_KINDS and running(workload) > 1
    )


def check_disruption_budget(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    found = workloads(manifests, ctx.namespace)
    _, by_workload = budgets_of(manifests, found, ctx)
    for workload in found:
        pods = running(workload)
        if not judged_by_disruption_budget(workload, ctx):
            continue
        selecting = by_workload.get(id(workload.manifest), [])
        target = f"{workload.label}"
        if not selecting:
            yield DISRUPTION_BUDGET_RULE.finding(
                f"{target} runs {replica_text(pods)} but no PodDisruptionBudget selects its pods; "
                "add one with maxUnavailable: 1 so voluntary disruptions take one pod at a time",
                workload.manifest.position("metadata", "name"),
                resource_of(workload.manifest, ctx.namespace),
                ctx.environment,
            )
        for budget in selecting:
            allowed, reason = allowed_disruptions(budget, pods)
            if allowed >= 1:
                continue
            field = reason.split(" ")[0]
            yield DISRUPTION_BUDGET_RULE.finding(
                f"{budget.label()} allows no disruption of the {replica_text(pods)} "
                f"of {target} ({reason}); set maxUnavailable: 1 so nodes can be drained",
                budget.position("spec", field),
                resource_of(budget, ctx.namespace),
                ctx.environment,
            )


def _utilization_resources(hpa: Manifest) -> list[tuple[str, str | None]]:
    """(resource, container or None for all) pairs the autoscaler measures as utilization."""
    if hpa.api_version == "autoscaling/v1":
        return [("cpu", None)]
    metrics = get(hpa.obj, "spec", "metrics")
    if not isinstance(metrics, list) or not metrics:
        return [("cpu", None)]
    found: list[tuple[str, str | None]] = []
    for metric in metrics:
        for field, single in (("resource", False), ("containerResource", True)):
            source = mapping(mapping(metric).get(field))
            name, container = source.get("name"), source.get("container")
            if get(source, "target", "type") == "Utilization" and isinstance(name, str):
                found.append((name, container if single and isinstance(container, str) else None))
    return found


def check_hpa(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    by_key = {(w.namespace, w.kind, w.name): w for w in workloads(manifests, ctx.namespace)}
    defaults = limit_ranges(manifests, ctx.namespace)
    for hpa in autoscalers(manifests):
        resource = resource_of(hpa, ctx.namespace)
        low, high = get(hpa.obj, "spec", "minReplicas"), get(hpa.obj, "spec", "maxReplicas")
        if isinstance(high, int) and count(low, 1) > high:
            yield HPA_RULE.finding(
                f"{hpa.label()} has minReplicas {count(low, 1)} above "
                f"maxReplicas {high}; set minReplicas to at most maxReplicas",
                hpa.position("spec", "minReplicas"),
                resource,
                ctx.environment,
            )
        key = hpa_target(hpa, ctx.namespace)
        target = by_key.get(key)
        if target is None or target.kind not in SCALABLE_KINDS:
            where = f" of namespace '{key[0]}'" if key[0] else ""
            yield HPA_RULE.finding(
                f"{hpa.label()} scales {named(key[1], key[2], quoted=True)}, which is "
                f"not a scalable workload{where} in this set; point spec.scaleTargetRef at an "
                "existing Deployment or StatefulSet (kind and name)",
                hpa.position("spec", "scaleTargetRef", "name"),
                resource,
                ctx.environment,
            )
            continue
        for name, only in _utilization_resources(hpa):
            for container in containers(target.manifest):
                if container.init or (only is not None and container.name != only):
                    continue
                if name in effective(container, defaults.get(target.namespace))["requests"]:
                    continue
                yield HPA_RULE.finding(
                    f"container '{container.name}' of {target.label} sets no "
                    f"requests.{name}, but {hpa.label()} scales on {name} "
                    f"utilization, which is measured against the request; set "
                    f"resources.requests.{name}",
                    target.manifest.position(*container.path, "resources", "requests", name),
                    resource_of(target.manifest, ctx.namespace),
                    ctx.environment,
                )


MIN_REPLICAS = ManifestRule(MIN_REPLICAS_RULE, check_min_replicas, _has_min_replicas)
DISRUPTION_BUDGET = ManifestRule(DISRUPTION_BUDGET_RULE, check_disruption_budget, _has_min_replicas)
HPA = ManifestRule(HPA_RULE, check_hpa)

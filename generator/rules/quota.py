"""`quota-` rules: workloads fit the namespace's ResourceQuota and LimitRange.

A pod's effective request (and limit) is, as Kubernetes counts it, the larger of the sum
over its app containers (plus sidecars) and the largest init container (plus the sidecars
started before it); see `generator.k8s.pod_resources`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.finding import Finding, Severity
from generator.k8s.display import named
from generator.k8s.pod_resources import SECTIONS, ContainerLimits, Value, effective, limit_ranges
from generator.k8s.quantity import QuantityError, format_quantity, parse_quantity
from generator.k8s.quota_storage import (
    CLAIMS,
    claims_by_namespace,
    format_storage_amount,
    is_storage_key,
    split_key,
    storage_breakdown,
)
from generator.k8s.quota_usage import PODS, QUOTA_KEYS, breakdown, format_amount, usage_by_namespace
from generator.k8s.workloads import (
    Container,
    Workload,
    containers,
    mapping,
    namespace_of,
    resource_of,
    workloads,
)
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext

EXCEEDED = Rule(
    id="quota-exceeded",
    severity=Severity.ERROR,
    summary="Requests and limits x replicas (and surge, HPA max) fit the namespace ResourceQuota.",
    description=(
        "Per namespace, each workload counts its replicas (or its autoscaler's maxReplicas) "
        "plus the rolling-update surge (maxSurge, default 25% rounded up; none for Recreate "
        "and for StatefulSets) times the pod's effective requests and limits, LimitRange "
        "defaults included. The sums for requests.cpu, requests.memory (and the cpu and "
        "memory aliases), limits.cpu, limits.memory and pods must stay within spec.hard, or "
        "a rollout stalls when the quota refuses new pods. Storage counts too: each "
        "PersistentVolumeClaim, and each StatefulSet volumeClaimTemplate once per replica "
        "(HPA max), against persistentvolumeclaims and requests.storage, and against their "
        "per-class forms (<class>.storageclass.storage.k8s.io/...) for claims that name "
        "that storageClassName. Quotas with scopes are not evaluated; DaemonSets are not "
        "counted (their pod count is the node count)."
    ),
)

LIMIT_RANGE = Rule(
    id="quota-limit-range",
    severity=Severity.ERROR,
    summary="Container requests and limits are within the LimitRange and requests <= limits.",
    description=(
        "The API server refuses a pod whose container requests or limits (after defaulting) "
        "fall outside the min and max of the namespace's LimitRange (type Container), or "
        "whose request exceeds its limit."
    ),
)

_ADVICE = {
    "requests": "lower replicas or requests, or raise the quota",
    "limits": "lower replicas or limits, or raise the quota",
    PODS: "lower replicas, or raise the quota",
    CLAIMS: "lower replicas or claims, or raise the quota",
    "requests.storage": "lower replicas or claim sizes, or raise the quota",
}


def check_exceeded(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    usages = usage_by_namespace(manifests, ctx.namespace)
    claims = claims_by_namespace(manifests, ctx.namespace)
    for quota in manifests:
        spec = mapping(quota.obj.get("spec"))
        if quota.kind != "ResourceQuota" or "scopes" in spec or "scopeSelector" in spec:
            continue
        namespace = namespace_of(quota, ctx.namespace)
        for key, raw in mapping(spec.get("hard")).items():
            storage = is_storage_key(key)
            if key != PODS and key not in QUOTA_KEYS and not storage:
                continue
            try:
                hard = parse_quantity(raw)
            except QuantityError:
                continue
            if storage:
                total, parts = storage_breakdown(key, claims.get(namespace, []))
            else:
                total, parts = breakdown(key, usages.get(namespace, []))
            if total <= hard:
                continue
            if storage:
                advice = _ADVICE[split_key(key)[0]]
                amount = format_storage_amount(key, total)
                limit = format_storage_amount(key, hard)
            else:
                advice = _ADVICE[PODS if key == PODS else QUOTA_KEYS[key][0]]
                amount, limit = format_amount(key, total), format_amount(key, hard)
            yield EXCEEDED.finding(
                f"{key} {amount} exceeds the quota {limit} ({parts()}); {advice}",
                quota.position("spec", "hard", key),
                resource_of(quota, ctx.namespace),
                ctx.environment,
            )


def _container_problems(
    container: Container, limits: ContainerLimits | None
) -> Iterator[tuple[str, str, str]]:
    """(section, resource, problem) for each out-of-bounds value of one container."""
    values = effective(container, limits)
    for section in SECTIONS:
        for name, value in sorted(values[section].items()):
            binary = name != "cpu"
            if limits is None:
                continue
            for bounds, sign, below, words in (
                (limits.min, -1, "below the minimum", "raise it to at least"),
                (limits.max, 1, "above the maximum", "lower it to at most"),
            ):
                if name in bounds and (value.amount - bounds[name]) * sign > 0:
                    bound = format_quantity(bounds[name], binary=binary)
                    problem = (
                        f"is {below} {bound} of {named('LimitRange', limits.name)}; {words} {bound}"
                    )
                    yield (section, name, problem)
    for name, request in sorted(values["requests"].items()):
        limit = values["limits"].get(name)
        if limit is not None and request.amount > limit.amount:
            yield (
                "requests",
                name,
                (
                    f"is above limits.{name} {_text(name, limit)}; a request cannot exceed its "
                    "limit: lower the request or raise the limit"
                ),
            )


def _text(name: str, value: Value) -> str:
    written = format_quantity(value.amount, binary=name != "cpu")
    return written if value.explicit else f"{written} (a default)"


def _findings_for(
    workload: Workload, limits: ContainerLimits | None, ctx: RuleContext
) -> Iterator[Finding]:
    manifest = workload.manifest
    for container in containers(manifest):
        values = effective(container, limits)
        for section, name, problem in _container_problems(container, limits):
            yield LIMIT_RANGE.finding(
                f"container '{container.name}' of {workload.label}: "
                f"{section}.{name} {_text(name, values[section][name])} {problem}",
                manifest.position(*container.path, "resources", section, name),
                resource_of(manifest, ctx.namespace),
                ctx.environment,
            )


def check_limit_range(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    bounds = limit_ranges(manifests, ctx.namespace)
    for workload in workloads(manifests, ctx.namespace):
        yield from _findings_for(workload, bounds.get(workload.namespace), ctx)


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(EXCEEDED, check_exceeded),
    ManifestRule(LIMIT_RANGE, check_limit_range),
)

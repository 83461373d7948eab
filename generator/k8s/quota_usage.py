"""What the workloads of a namespace take from its ResourceQuota, workload by workload.

Per workload: pods = replicas (or the autoscaler's maxReplicas when one targets it) plus the
rolling-update surge (see `generator.k8s.workloads.surge`); each pod takes the pod's effective
requests and limits (init containers and LimitRange defaults included, see
`generator.k8s.pod_resources`). DaemonSets are left out: their pod count is the node count,
which the manifests do not know. Claims and storage are counted in `quota_storage`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from generator.k8s.pod_resources import (
    SECTIONS,
    Amounts,
    ContainerLimits,
    limit_ranges,
    pod_amounts,
)
from generator.k8s.quantity import format_quantity
from generator.k8s.workloads import Workload, containers, scaled_count, surge, workloads
from generator.manifest import Manifest

# quota key -> (section, resource); "pods" counts pods
QUOTA_KEYS: dict[str, tuple[str, str]] = {
    "requests.cpu": ("requests", "cpu"),
    "cpu": ("requests", "cpu"),
    "requests.memory": ("requests", "memory"),
    "memory": ("requests", "memory"),
    "limits.cpu": ("limits", "cpu"),
    "limits.memory": ("limits", "memory"),
}
PODS = "pods"


@dataclass(frozen=True)
class Usage:
    workload: Workload
    base: int  # replicas, or the autoscaler's maxReplicas
    from_hpa: bool
    surge: int
    per_pod: dict[str, Amounts]  # section -> resource -> amount

    @property
    def pods(self) -> int:
        return self.base + self.surge

    def total(self, key: str) -> Fraction:
        if key == PODS:
            return Fraction(self.pods)
        section, resource = QUOTA_KEYS[key]
        return self.pods * self.per_pod[section].get(resource, Fraction(0))

    def describe(self, key: str) -> str:
        """`Deployment web 10+3 pods x 250m = 3250m` (for `pods`: `Deployment web 10+3 pods`)."""
        count_text = f"{self.base} (HPA max)" if self.from_hpa else str(self.base)
        if self.surge:
            count_text += f"+{self.surge}"
        noun = "pod" if self.pods == 1 else "pods"
        text = f"{self.workload.label} {count_text} {noun}"
        if key == PODS:
            return text
        section, resource = QUOTA_KEYS[key]
        each = self.per_pod[section].get(resource, Fraction(0))
        return f"{text} x {format_amount(key, each)} = {format_amount(key, self.total(key))}"


def format_amount(key: str, value: Fraction) -> str:
    return format_quantity(value, binary=key.endswith("memory"))


def usage_of(workload: Workload, limits: ContainerLimits | None) -> Usage | None:
    """The workload's share of a quota; None when its pod count is unknown (DaemonSet)."""
    if workload.replicas is None:
        return None
    base, from_hpa = scaled_count(workload)
    pod_containers = containers(workload.manifest)
    return Usage(
        workload=workload,
        base=base,
        from_hpa=from_hpa,
        surge=surge(workload.manifest, base),
        per_pod={s: pod_amounts(pod_containers, limits, s) for s in SECTIONS},
    )


def usage_by_namespace(
    manifests: Sequence[Manifest], default_namespace: str | None
) -> dict[str, list[Usage]]:
    defaults = limit_ranges(manifests, default_namespace)
    found: dict[str, list[Usage]] = {}
    for workload in workloads(manifests, default_namespace):
        usage = usage_of(workload, defaults.get(workload.namespace))
        if usage is not None:
            found.setdefault(workload.namespace, []).append(usage)
    return found


def breakdown(key: str, usages: Sequence[Usage]) -> tuple[Fraction, Callable[[], str]]:
    """The namespace's total for a quota key, and what says its parts, largest first (called
    for a finding only: most totals are within their quota)."""
    parts = [u for u in usages if u.total(key) > 0]
    total = sum((u.total(key) for u in parts), Fraction(0))

    def described() -> str:
        ordered = sorted(parts, key=lambda u: (-u.total(key), u.workload.kind, u.workload.name))
        return ", ".join(u.describe(key) for u in ordered)

    return total, described

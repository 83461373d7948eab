"""`workload-` rules: probes, requests and limits, replicas and disruption budgets, autoscalers.

A LimitRange default in the namespace counts as setting a request or limit: the API server
fills it in at admission (see `generator.pod_resources`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from generator.finding import Finding, Severity
from generator.manifest import Manifest
from generator.pod_resources import SECTIONS, effective, limit_ranges
from generator.quantity import QuantityError, parse_quantity
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.workload_scaling import DISRUPTION_BUDGET, HPA, MIN_REPLICAS
from generator.workloads import BATCH_KINDS, containers, mapping, resource_of, workloads

RESOURCES = ("cpu", "memory")

PROBES = Rule(
    id="workload-probes",
    severity=Severity.ERROR,
    summary="Every container of a long-running workload has a readiness and a liveness probe.",
    description=(
        "Without a readinessProbe a Service sends traffic to pods that are not ready; without a "
        "livenessProbe a hung process is never restarted. Applies to the app containers of "
        "Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets and ReplicationControllers "
        "(not Jobs and CronJobs, which run to completion)."
    ),
)

RESOURCES_RULE = Rule(
    id="workload-resources",
    severity=Severity.ERROR,
    summary="Every container sets cpu and memory requests and limits.",
    description=(
        "Requests let the scheduler place pods and ResourceQuota count them; limits keep one "
        "container from starving its neighbours. Init containers count too. A LimitRange "
        "default of the namespace counts as setting the value, since the API server fills it "
        "in at admission; a limit without a request also sets the request. A value that is not "
        "a Kubernetes quantity is reported as well."
    ),
)

_PROBE_ADVICE = {
    ("readinessProbe",): "add one so traffic reaches only ready pods",
    ("livenessProbe",): "add one so a hung process is restarted",
    ("readinessProbe", "livenessProbe"): (
        "add both so traffic reaches only ready pods and a hung process is restarted"
    ),
}


def check_probes(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload in workloads(manifests, ctx.namespace):
        if workload.kind in BATCH_KINDS:
            continue
        for container in containers(workload.manifest):
            if container.init:
                continue
            missing = tuple(
                p for p in ("readinessProbe", "livenessProbe") if p not in container.obj
            )
            if not missing:
                continue
            yield PROBES.finding(
                f"container '{container.name}' of {workload.kind} {workload.name} has no "
                f"{' and no '.join(missing)}; {_PROBE_ADVICE[missing]}",
                workload.manifest.position(*container.path),
                resource_of(workload.manifest, ctx.namespace),
                ctx.environment,
            )


def check_resources(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    defaults = limit_ranges(manifests, ctx.namespace)
    for workload in workloads(manifests, ctx.namespace):
        manifest = workload.manifest
        for container in containers(manifest):
            values = effective(container, defaults.get(workload.namespace))
            resources = mapping(container.obj.get("resources"))
            missing: list[str] = []
            for section in SECTIONS:
                for name in RESOURCES:
                    raw = mapping(resources.get(section)).get(name)
                    if raw is not None:
                        try:
                            parse_quantity(raw)
                        except QuantityError:
                            yield RESOURCES_RULE.finding(
                                f"container '{container.name}' of {workload.kind} "
                                f"{workload.name}: {section}.{name} {raw!r} is not a Kubernetes "
                                "quantity; write e.g. 250m or 1 for cpu, 256Mi for memory",
                                manifest.position(*container.path, "resources", section, name),
                                resource_of(manifest, ctx.namespace),
                                ctx.environment,
                            )
                            continue
                    if name not in values[section]:
                        missing.append(f"{section}.{name}")
            if missing:
                first_section = missing[0].split(".")[0]
                yield RESOURCES_RULE.finding(
                    f"container '{container.name}' of {workload.kind} {workload.name} sets no "
                    f"{', '.join(missing)}; set resources.requests and resources.limits for cpu "
                    "and memory (or give the namespace a LimitRange default)",
                    manifest.position(*container.path, "resources", first_section),
                    resource_of(manifest, ctx.namespace),
                    ctx.environment,
                )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(PROBES, check_probes),
    ManifestRule(RESOURCES_RULE, check_resources),
    MIN_REPLICAS,
    DISRUPTION_BUDGET,
    HPA,
)

"""`workload-` rules: probes, requests and limits, replicas and disruption budgets, autoscalers.

A LimitRange default in the namespace counts as setting a request or limit: the API server
fills it in at admission (see `generator.k8s.pod_resources`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.display import show
from generator.k8s.pod_resources import SECTIONS, effective, limit_ranges
from generator.k8s.quantity import QuantityError, parse_quantity
from generator.k8s.workloads import (
    BATCH_KINDS,
    containers,
    mapping,
    pod_spec_path,
    resource_of,
    workloads,
)
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.workload_api import (
    CONTAINER_NAMES,
    CONTAINER_PORTS,
    SELECTOR,
    VOLUME_MOUNT,
)
from generator.rules.workload_availability import BUDGET_FIELDS, BUDGET_PODS, HIGH_AVAILABILITY
from generator.rules.workload_backup import VOLUME_BACKUP
from generator.rules.workload_refs import CONFIG_REFERENCE
from generator.rules.workload_scaling import DISRUPTION_BUDGET, HPA, MIN_REPLICAS

RESOURCES = ("cpu", "memory")

PROBES = Rule(
    id="workload-probes",
    severity=Severity.ERROR,
    summary="Every container that serves a port in a long-running workload has a readiness probe.",
    description=(
        "Without a readinessProbe a Service sends traffic to pods that are not ready. Applies to "
        "the containers (and native sidecars) of Pods, Deployments, StatefulSets, DaemonSets, "
        "ReplicaSets and ReplicationControllers that declare a port other than a metrics port "
        "(named `metrics` or `...-metrics`, which Prometheus scrapes from ready and unready "
        "pods alike). A queue consumer without ports needs none; Jobs and CronJobs run to "
        "completion and need none."
    ),
)

LIVENESS = Rule(
    id="workload-liveness-probe",
    severity=Severity.WARNING,
    summary="Every container of a long-running workload has a liveness probe.",
    description=(
        "Without a livenessProbe a hung process is never restarted. A warning, not an error: "
        "a process that exits when it fails is restarted anyway, and a wrong liveness probe "
        "restarts healthy pods. Same workloads as `workload-probes`; any container, ports or not."
    ),
)

READ_ONLY_ROOT = Rule(
    id="workload-read-only-root-filesystem",
    severity=Severity.WARNING,
    summary="Containers run with a read-only root filesystem.",
    description=(
        "A writable root filesystem lets an intruder change the container's binaries and "
        "configuration. Pod Security allows it, so this is a warning; mount an emptyDir where "
        "the process writes (the catalog's `writablePaths` or `volumes`) and set "
        "`readOnlyRootFilesystem: true`."
    ),
)

NON_ROOT_USER = Rule(
    id="workload-non-root-user",
    severity=Severity.ERROR,
    summary="No container runs as user 0 under runAsNonRoot: true.",
    description=(
        "The kubelet refuses to start a container whose runAsNonRoot is true (its own, else "
        "the pod's) while its runAsUser (its own, else the pod's) is 0, so the pod never "
        "runs although the API server accepts it. Set a non-zero runAsUser, or runAsNonRoot: "
        "false where the namespace's Pod Security level allows root (baseline, privileged)."
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


def _serves(container: Mapping[str, Any]) -> bool:
    for port in container.get("ports") or []:
        name = port.get("name") if isinstance(port, Mapping) else None
        if not (isinstance(name, str) and (name == "metrics" or name.endswith("-metrics"))):
            return True
    return False


def _long_running(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[tuple[Any, Any]]:
    for workload in workloads(manifests, ctx.namespace):
        if workload.kind in BATCH_KINDS:
            continue
        for container in containers(workload.manifest):
            if not container.init or container.sidecar:
                yield workload, container


def check_probes(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload, container in _long_running(manifests, ctx):
        if "readinessProbe" in container.obj or not _serves(container.obj):
            continue
        yield PROBES.finding(
            f"container '{container.name}' of {workload.label} serves a port "
            "but has no readinessProbe; add one so traffic reaches only ready pods",
            workload.manifest.position(*container.path),
            resource_of(workload.manifest, ctx.namespace),
            ctx.environment,
        )


def check_liveness(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload, container in _long_running(manifests, ctx):
        if "livenessProbe" in container.obj:
            continue
        yield LIVENESS.finding(
            f"container '{container.name}' of {workload.label} has no "
            "livenessProbe; add one so a hung process is restarted",
            workload.manifest.position(*container.path),
            resource_of(workload.manifest, ctx.namespace),
            ctx.environment,
        )


def check_read_only_root(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload in workloads(manifests, ctx.namespace):
        for container in containers(workload.manifest):
            context = mapping(container.obj.get("securityContext"))
            if context.get("readOnlyRootFilesystem") is True:
                continue
            yield READ_ONLY_ROOT.finding(
                f"container '{container.name}' of {workload.label} has a "
                "writable root filesystem; set securityContext.readOnlyRootFilesystem: true and "
                "mount an emptyDir where it writes",
                workload.manifest.position(
                    *container.path, "securityContext", "readOnlyRootFilesystem"
                ),
                resource_of(workload.manifest, ctx.namespace),
                ctx.environment,
            )


def check_non_root_user(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for workload in workloads(manifests, ctx.namespace):
        manifest = workload.manifest
        spec_path = pod_spec_path(manifest)
        if spec_path is None:
            continue
        pod = mapping(mapping(get(manifest.obj, *spec_path)).get("securityContext"))
        for container in containers(manifest):
            own = mapping(container.obj.get("securityContext"))
            user_at = container.path if "runAsUser" in own else spec_path
            user = own.get("runAsUser", pod.get("runAsUser"))
            if own.get("runAsNonRoot", pod.get("runAsNonRoot")) is not True or user != 0:
                continue
            yield NON_ROOT_USER.finding(
                f"container '{container.name}' of {workload.label} runs as user "
                "0 under runAsNonRoot: true, which the kubelet refuses to start; set a "
                "non-zero runAsUser, or runAsNonRoot: false where the Pod Security level "
                "allows root",
                manifest.position(*user_at, "securityContext", "runAsUser"),
                resource_of(manifest, ctx.namespace),
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
                                f"container '{container.name}' of {workload.label}: "
                                f"{section}.{name} {show(raw)} is not a Kubernetes "
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
                    f"container '{container.name}' of {workload.label} sets no "
                    f"{', '.join(missing)}; set resources.requests and resources.limits for cpu "
                    "and memory (or give the namespace a LimitRange default)",
                    manifest.position(*container.path, "resources", first_section),
                    resource_of(manifest, ctx.namespace),
                    ctx.environment,
                )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(PROBES, check_probes),
    ManifestRule(LIVENESS, check_liveness),
    ManifestRule(READ_ONLY_ROOT, check_read_only_root),
    ManifestRule(NON_ROOT_USER, check_non_root_user),
    ManifestRule(RESOURCES_RULE, check_resources),
    MIN_REPLICAS,
    DISRUPTION_BUDGET,
    HPA,
    SELECTOR,
    CONTAINER_NAMES,
    CONTAINER_PORTS,
    VOLUME_MOUNT,
    CONFIG_REFERENCE,
    BUDGET_FIELDS,
    BUDGET_PODS,
    HIGH_AVAILABILITY,
    VOLUME_BACKUP,
)

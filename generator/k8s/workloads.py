"""Workloads of a manifest set: their pod template, containers, replicas, autoscaler and surge.

Pure helpers over `Manifest`s for the workload, quota and network rules. Every container
comes with its node path, so a finding can point at it.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.finding import Resource
from generator.k8s import podspec
from generator.k8s.display import container_name
from generator.manifest import Manifest, NodePath, get

# Kinds that run pods (a PodTemplate only describes one).
POD_SPEC_PATHS: Mapping[str, NodePath] = {
    kind: path for kind, path in podspec.POD_SPEC_PATHS.items() if kind != "PodTemplate"
}
BATCH_KINDS = frozenset({"Job", "CronJob"})
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
DEFAULT_MAX_SURGE = "25%"


def mapping(value: object) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def count(value: object, default: int) -> int:
    """An integer field (replicas, parallelism), or `default` when absent or not an int."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def namespace_of(manifest: Manifest, default: str | None) -> str:
    """The object's namespace; objects without one go to `default` (the context's), else ""."""
    return manifest.namespace or default or ""


@dataclass(frozen=True)
class Container:
    name: str
    obj: Mapping[str, Any]
    path: NodePath  # node path of the container inside its manifest
    init: bool = False
    sidecar: bool = False  # an init container with restartPolicy Always (runs with the app)


def pod_spec_path(manifest: Manifest) -> NodePath | None:
    return POD_SPEC_PATHS.get(manifest.kind)


def containers(manifest: Manifest) -> list[Container]:
    """Init containers (in order) then app containers of the manifest's pod spec, with paths."""
    spec_path = pod_spec_path(manifest)
    if spec_path is None:
        return []
    spec = mapping(get(manifest.obj, *spec_path))
    found: list[Container] = []
    for field, init in (("initContainers", True), ("containers", False)):
        items = spec.get(field)
        for index, item in enumerate(items if isinstance(items, list) else []):
            if not isinstance(item, Mapping):
                continue
            found.append(
                Container(
                    name=container_name(item, field, index),
                    obj=item,
                    path=(*spec_path, field, index),
                    init=init,
                    sidecar=init and item.get("restartPolicy") == "Always",
                )
            )
    return found


def pod_labels(manifest: Manifest) -> Mapping[str, Any]:
    """The labels the manifest's pods carry (the Pod's own, or its template's)."""
    spec_path = pod_spec_path(manifest)
    if spec_path is None:
        return {}
    return mapping(get(manifest.obj, *spec_path[:-1], "metadata", "labels"))


def replicas(manifest: Manifest) -> int | None:
    """Pods the manifest asks for: replicas, a Job's parallelism, 1 for a Pod; None for a
    DaemonSet (one per node) and for objects that run no pods."""
    kind = manifest.kind
    if kind in SCALABLE_KINDS:
        return count(get(manifest.obj, "spec", "replicas"), 1)
    if kind == "Job":
        return count(get(manifest.obj, "spec", "parallelism"), 1)
    if kind == "CronJob":
        return count(get(manifest.obj, "spec", "jobTemplate", "spec", "parallelism"), 1)
    if kind == "Pod":
        return 1
    return None


def scaled(value: object, total: int, *, round_up: bool) -> int | None:
    """An int-or-percent field as a number of pods out of `total`; None when malformed."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.endswith("%") and value[:-1].isdigit():
        exact = int(value[:-1]) * total / 100
        return math.ceil(exact) if round_up else math.floor(exact)
    return None


def surge(manifest: Manifest, pods: int) -> int:
    """Extra pods a rolling update of a Deployment runs at once: maxSurge of `pods` (default 25%,
    rounded up, as the Deployment controller does); 0 for Recreate and for other kinds
    (StatefulSets replace pods in place, DaemonSets surge only per node)."""
    if manifest.kind != "Deployment":
        return 0
    strategy = mapping(get(manifest.obj, "spec", "strategy"))
    if strategy.get("type") == "Recreate":
        return 0
    value = mapping(strategy.get("rollingUpdate")).get("maxSurge", DEFAULT_MAX_SURGE)
    return max(scaled(value, pods, round_up=True) or 0, 0)


@dataclass(frozen=True)
class Workload:
    manifest: Manifest
    namespace: str
    replicas: int | None
    hpa: Manifest | None = None  # the HorizontalPodAutoscaler targeting it, if any

    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def kind(self) -> str:
        return self.manifest.kind

    @property
    def label(self) -> str:
        """`Deployment web`, or `Deployment (no name)`."""
        return self.manifest.label()


def scaled_count(workload: Workload) -> tuple[int, bool]:
    """(pods at most, whether that is the autoscaler's maxReplicas) of a counted workload."""
    base = workload.replicas if workload.replicas is not None else 0
    if workload.hpa is None:
        return base, False
    maximum = get(workload.hpa.obj, "spec", "maxReplicas")
    return count(maximum, base), isinstance(maximum, int) and not isinstance(maximum, bool)


def hpa_target(hpa: Manifest, default_namespace: str | None) -> tuple[str, str, str]:
    """(namespace, kind, name) an autoscaler scales."""
    ref = mapping(get(hpa.obj, "spec", "scaleTargetRef"))
    kind, name = ref.get("kind"), ref.get("name")
    return (
        namespace_of(hpa, default_namespace),
        kind if isinstance(kind, str) else "",
        name if isinstance(name, str) else "",
    )


def autoscalers(manifests: Sequence[Manifest]) -> Iterator[Manifest]:
    return (m for m in manifests if m.kind == "HorizontalPodAutoscaler")


def workloads(manifests: Sequence[Manifest], default_namespace: str | None) -> list[Workload]:
    """Every object that runs pods, in input order, with the autoscaler that targets it."""
    targets = {hpa_target(h, default_namespace): h for h in autoscalers(manifests)}
    found = []
    for manifest in manifests:
        if manifest.kind not in POD_SPEC_PATHS:
            continue
        namespace = namespace_of(manifest, default_namespace)
        hpa = targets.get((namespace, manifest.kind, manifest.name))
        found.append(Workload(manifest, namespace, replicas(manifest), hpa))
    return found


def selector_matches(selector: object, labels: Mapping[str, Any]) -> bool:
    """Kubernetes LabelSelector semantics: matchLabels and matchExpressions (In, NotIn, Exists,
    DoesNotExist) all hold; an empty selector matches everything."""
    terms = mapping(selector)
    for label, value in mapping(terms.get("matchLabels")).items():
        if labels.get(label) != value:
            return False
    expressions = terms.get("matchExpressions")
    for item in expressions if isinstance(expressions, list) else []:
        expression = mapping(item)
        key, operator = expression.get("key"), expression.get("operator")
        listed = expression.get("values")
        values = listed if isinstance(listed, list) else []
        present = key in labels
        value = labels.get(key) if isinstance(key, str) else None
        if operator == "In" and not (present and value in values):
            return False
        if operator == "NotIn" and present and value in values:
            return False
        if operator == "Exists" and not present:
            return False
        if operator == "DoesNotExist" and present:
            return False
        if operator not in ("In", "NotIn", "Exists", "DoesNotExist"):
            return False
    return True


def resource_of(manifest: Manifest, default_namespace: str | None) -> Resource:
    """The manifest's identity for findings, with the namespace it will land in when known."""
    return Resource(manifest.kind, manifest.name, namespace_of(manifest, default_namespace) or None)

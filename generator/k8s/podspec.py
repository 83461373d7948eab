"""Pod specs and containers of every workload kind, each with its node path in the manifest.

Rules about pods (images, env, service accounts, security contexts ...) walk
`pod_specs(manifests)` or `containers(manifests)` and report at
`pod.position(...)` / `container.position(...)`, which point at the exact node, or at
the nearest existing parent when the field is missing.

Where the pod spec sits, per kind (`POD_SPEC_PATHS`):

- `Pod`: `spec`
- `PodTemplate`: `template.spec`
- `Deployment`, `StatefulSet`, `DaemonSet`, `ReplicaSet`, `ReplicationController`,
  `Job`: `spec.template.spec`
- `CronJob`: `spec.jobTemplate.spec.template.spec`

Containers are listed in the order `initContainers`, `containers`, `ephemeralContainers`
(`CONTAINER_FIELDS`). Objects of other kinds, and pod specs or container entries that
are not mappings (a schema error, reported by the schema rules), are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.finding import Position, Resource
from generator.k8s.display import container_name
from generator.manifest import Key, Manifest, NodePath

_TEMPLATE: NodePath = ("spec", "template", "spec")

POD_SPEC_PATHS: Mapping[str, NodePath] = {
    "Pod": ("spec",),
    "PodTemplate": ("template", "spec"),
    "Deployment": _TEMPLATE,
    "StatefulSet": _TEMPLATE,
    "DaemonSet": _TEMPLATE,
    "ReplicaSet": _TEMPLATE,
    "ReplicationController": _TEMPLATE,
    "Job": _TEMPLATE,
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}

CONTAINER_FIELDS: tuple[str, ...] = ("initContainers", "containers", "ephemeralContainers")


@dataclass(frozen=True)
class PodSpec:
    """The pod spec of one workload: `spec` is the mapping found at `path` in `manifest`."""

    manifest: Manifest
    spec: Mapping[str, Any]
    path: NodePath

    @property
    def resource(self) -> Resource:
        return self.manifest.resource

    def position(self, *keys: Key) -> Position:
        """Position of `keys` below the pod spec (the deepest existing node on the way)."""
        return self.manifest.position(*self.path, *keys)


@dataclass(frozen=True)
class Container:
    """One entry of `containers`, `initContainers` or `ephemeralContainers` of a pod spec."""

    pod: PodSpec
    obj: Mapping[str, Any]
    field: str  # one of CONTAINER_FIELDS
    index: int

    @property
    def path(self) -> NodePath:
        return (*self.pod.path, self.field, self.index)

    @property
    def name(self) -> str:
        return container_name(self.obj, self.field, self.index)

    @property
    def resource(self) -> Resource:
        return self.pod.resource

    def position(self, *keys: Key) -> Position:
        """Position of `keys` below the container (the deepest existing node on the way)."""
        return self.pod.manifest.position(*self.path, *keys)


def pod_spec(manifest: Manifest) -> PodSpec | None:
    """The pod spec of a workload object, or None for other kinds or a malformed object."""
    path = POD_SPEC_PATHS.get(manifest.kind)
    if path is None:
        return None
    node: Any = manifest.obj
    for key in path:
        if not isinstance(node, Mapping):
            return None
        node = node.get(key)
    return PodSpec(manifest, node, path) if isinstance(node, Mapping) else None


def pod_specs(manifests: Iterable[Manifest]) -> Iterator[PodSpec]:
    """The pod spec of every workload among `manifests`, in order."""
    for manifest in manifests:
        pod = pod_spec(manifest)
        if pod is not None:
            yield pod


def pod_containers(pod: PodSpec) -> Iterator[Container]:
    """Every container of one pod spec: init containers, containers, ephemeral containers."""
    for field in CONTAINER_FIELDS:
        entries = pod.spec.get(field)
        if not isinstance(entries, list):
            continue
        for index, entry in enumerate(entries):
            if isinstance(entry, Mapping):
                yield Container(pod, entry, field, index)


def containers(manifests: Iterable[Manifest]) -> Iterator[Container]:
    """Every container of every workload among `manifests`, in order."""
    for pod in pod_specs(manifests):
        yield from pod_containers(pod)

"""The pods a manifest holds: a Pod itself, or the pod template of a workload.

Every node keeps its path in the manifest, so a check can point a finding at the
exact field it objects to (or at the nearest existing parent when a field is missing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from generator.k8s.display import container_name
from generator.k8s.podspec import POD_SPEC_PATHS
from generator.manifest import Key, Manifest, NodePath, get

# Where each kind keeps its pod (metadata + spec); a Pod is its own pod. PSA checks pods
# and the templates of the workload kinds, not PodTemplate objects.
POD_PATHS: Mapping[str, NodePath] = {
    kind: path[:-1] for kind, path in POD_SPEC_PATHS.items() if kind != "PodTemplate"
}

# PSA visits init containers, then containers, then ephemeral containers.
CONTAINER_LISTS: tuple[tuple[str, str], ...] = (
    ("initContainers", "init container"),
    ("containers", "container"),
    ("ephemeralContainers", "ephemeral container"),
)


lookup = get  # the value at keys below a node, or None where a step is missing or mistyped


def items(node: Any) -> Iterator[tuple[int, Any]]:
    """The entries of a list node with their indexes; nothing for anything else."""
    if isinstance(node, list):
        yield from enumerate(node)


@dataclass(frozen=True)
class Container:
    label: str  # "container", "init container" or "ephemeral container"
    name: str
    obj: Mapping[str, Any]
    path: NodePath

    def get(self, *keys: Key) -> Any:
        return lookup(self.obj, *keys)

    def at(self, *keys: Key) -> NodePath:
        return (*self.path, *keys)

    def __str__(self) -> str:
        return f"{self.label} '{self.name}'"


@dataclass(frozen=True)
class Pod:
    manifest: Manifest
    root: NodePath  # the node holding the pod's metadata and spec

    def spec(self, *keys: Key) -> Any:
        return lookup(self.manifest.obj, *self.root, "spec", *keys)

    def spec_at(self, *keys: Key) -> NodePath:
        return (*self.root, "spec", *keys)

    def annotations(self) -> Mapping[str, Any]:
        found = lookup(self.manifest.obj, *self.root, "metadata", "annotations")
        return found if isinstance(found, Mapping) else {}

    def annotation_at(self, key: str) -> NodePath:
        return (*self.root, "metadata", "annotations", key)

    @property
    def windows(self) -> bool:
        return bool(self.spec("os", "name") == "windows")

    @property
    def in_user_namespace(self) -> bool:
        return self.spec("hostUsers") is False

    def containers(self) -> Iterator[Container]:
        for field, label in CONTAINER_LISTS:
            for index, obj in items(self.spec(field)):
                if isinstance(obj, Mapping):
                    name = container_name(obj, field, index)
                    yield Container(label, name, obj, self.spec_at(field, index))


def pods(manifests: Iterable[Manifest]) -> Iterator[Pod]:
    """The pod of every manifest that has one (Pods and the workload kinds above)."""
    for manifest in manifests:
        root = POD_PATHS.get(manifest.kind)
        if root is not None and isinstance(lookup(manifest.obj, *root, "spec"), Mapping):
            yield Pod(manifest, root)

"""What the persistent volume claims of a namespace take from its ResourceQuota.

A PersistentVolumeClaim is one claim of its `spec.resources.requests.storage`. A
StatefulSet's `volumeClaimTemplates` make one claim per template per pod: replicas, or the
autoscaler's maxReplicas when one targets it (claims outlive a scale-down, so the highest
count is the one that must fit). The quota keys are `persistentvolumeclaims`,
`requests.storage` and their per-class forms
`<class>.storageclass.storage.k8s.io/{requests.storage,persistentvolumeclaims}`. A claim
with no `storageClassName` counts towards the totals only: which class the cluster makes
the default is not in the manifests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from generator.k8s.display import named
from generator.k8s.quantity import QuantityError, format_quantity, parse_quantity
from generator.k8s.workloads import mapping, namespace_of, scaled_count, workloads
from generator.manifest import Manifest, get

CLAIMS = "persistentvolumeclaims"
STORAGE = "requests.storage"
CLASS_INFIX = ".storageclass.storage.k8s.io/"


@dataclass(frozen=True)
class Claims:
    """The claims one object makes: `count` claims of `size` each, of one storage class."""

    owner: str  # "PersistentVolumeClaim data" or "StatefulSet db claim data"
    count: int
    from_hpa: bool
    size: Fraction
    storage_class: str | None

    def total(self, key: str) -> Fraction:
        resource, storage_class = split_key(key)
        if storage_class is not None and storage_class != self.storage_class:
            return Fraction(0)
        return Fraction(self.count) if resource == CLAIMS else self.count * self.size

    def describe(self, key: str) -> str:
        """`StatefulSet db claim data 3 x 10Gi = 30Gi` (for a count: `... 3 claims`)."""
        count_text = f"{self.count} (HPA max)" if self.from_hpa else str(self.count)
        if split_key(key)[0] == CLAIMS:
            return f"{self.owner} {count_text} {'claim' if self.count == 1 else 'claims'}"
        each, total = format_storage(self.size), format_storage(self.total(key))
        return f"{self.owner} {count_text} x {each} = {total}"


def split_key(key: str) -> tuple[str, str | None]:
    """(`requests.storage` or `persistentvolumeclaims`, the storage class or None)."""
    storage_class, infix, resource = key.rpartition(CLASS_INFIX)
    return (resource, storage_class) if infix else (key, None)


def is_storage_key(key: str) -> bool:
    resource, storage_class = split_key(key)
    return resource in (CLAIMS, STORAGE) and storage_class != ""


def format_storage(value: Fraction) -> str:
    return format_quantity(value, binary=True)


def format_storage_amount(key: str, value: Fraction) -> str:
    """A claim count as a number, a size as a binary quantity."""
    return format_quantity(value, binary=split_key(key)[0] != CLAIMS)


def _size(spec: Mapping[str, Any]) -> Fraction:
    try:
        return parse_quantity(get(spec, "resources", "requests", "storage"))
    except QuantityError:
        return Fraction(0)


def _class(spec: Mapping[str, Any]) -> str | None:
    name = spec.get("storageClassName")
    return name if isinstance(name, str) and name else None


def _claims(
    manifests: Sequence[Manifest], default_namespace: str | None
) -> Iterator[tuple[str, Claims]]:
    for manifest in manifests:
        if manifest.kind == "PersistentVolumeClaim":
            spec = mapping(manifest.obj.get("spec"))
            owner = manifest.label()
            yield (
                namespace_of(manifest, default_namespace),
                Claims(owner, 1, False, _size(spec), _class(spec)),
            )
    for workload in workloads(manifests, default_namespace):
        if workload.kind != "StatefulSet" or workload.replicas is None:
            continue
        pods, from_hpa = scaled_count(workload)
        templates = get(workload.manifest.obj, "spec", "volumeClaimTemplates")
        for template in templates if isinstance(templates, list) else []:
            spec = mapping(mapping(template).get("spec"))
            name = get(template, "metadata", "name")
            owner = f"{workload.label} {named('claim', name)}"
            yield workload.namespace, Claims(owner, pods, from_hpa, _size(spec), _class(spec))


def claims_by_namespace(
    manifests: Sequence[Manifest], default_namespace: str | None
) -> dict[str, list[Claims]]:
    found: dict[str, list[Claims]] = {}
    for namespace, claims in _claims(manifests, default_namespace):
        found.setdefault(namespace, []).append(claims)
    return found


def storage_breakdown(key: str, claims: Sequence[Claims]) -> tuple[Fraction, Callable[[], str]]:
    """The namespace's total for a storage quota key, and what says its parts, largest first
    (called for a finding only: most totals are within their quota)."""
    parts = [c for c in claims if c.total(key) > 0]
    total = sum((c.total(key) for c in parts), Fraction(0))

    def described() -> str:
        ordered = sorted(parts, key=lambda c: (-c.total(key), c.owner))
        return ", ".join(c.describe(key) for c in ordered)

    return total, described

"""Container and pod resources as the API server sees them after admission.

- A container that sets a limit but no request gets the limit as request (API defaulting).
- The namespace's LimitRange (type Container) then fills what is still missing: `default`
  for limits, `defaultRequest` for requests (which itself defaults to `default`, then `min`;
  `default` defaults to `max`). So a LimitRange default counts as setting a value.
- A pod's effective request (and limit) per resource, as the scheduler and ResourceQuota
  count it: max(sum of app containers + sum of sidecars, max over regular init containers
  of (its value + sidecars started before it)). Sidecars are init containers with
  `restartPolicy: Always`; without them this is max(sum(app), max(init)).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from generator.k8s.quantity import QuantityError, parse_quantity
from generator.k8s.workloads import Container, mapping, namespace_of
from generator.manifest import Manifest, get

Amounts = dict[str, Fraction]
SECTIONS = ("requests", "limits")


def amounts(value: object) -> Amounts:
    """The valid quantities of a resource list (`{cpu: 250m, ...}`); invalid ones are left out."""
    found: Amounts = {}
    for name, raw in mapping(value).items():
        try:
            found[name] = parse_quantity(raw)
        except QuantityError:
            continue
    return found


@dataclass
class ContainerLimits:
    """The `type: Container` items of a namespace's LimitRanges, merged (each bound holds)."""

    name: str = ""  # the (first) LimitRange's name, for messages
    min: Amounts = field(default_factory=dict)
    max: Amounts = field(default_factory=dict)
    default: Amounts = field(default_factory=dict)
    default_request: Amounts = field(default_factory=dict)

    def add(self, name: str, item: Mapping[str, object]) -> None:
        self.name = self.name or name
        for key, value in amounts(item.get("min")).items():
            self.min[key] = max(value, self.min.get(key, value))
        for key, value in amounts(item.get("max")).items():
            self.max[key] = min(value, self.max.get(key, value))
        maximum, minimum = amounts(item.get("max")), amounts(item.get("min"))
        default = {**maximum, **amounts(item.get("default"))}
        request = {**minimum, **default, **amounts(item.get("defaultRequest"))}
        for key, value in default.items():
            self.default.setdefault(key, value)
        for key, value in request.items():
            self.default_request.setdefault(key, value)


def limit_ranges(
    manifests: Sequence[Manifest], namespace: str | None
) -> dict[str, ContainerLimits]:
    """Container bounds and defaults per namespace (see `namespace_of`)."""
    found: dict[str, ContainerLimits] = {}
    for manifest in manifests:
        if manifest.kind != "LimitRange":
            continue
        limits = get(manifest.obj, "spec", "limits")
        for item in limits if isinstance(limits, list) else []:
            if mapping(item).get("type", "Container") == "Container":
                key = namespace_of(manifest, namespace)
                found.setdefault(key, ContainerLimits()).add(manifest.name, mapping(item))
    return found


@dataclass(frozen=True)
class Value:
    amount: Fraction
    explicit: bool  # set in the container (True) or filled in by defaulting (False)


def effective(container: Container, limits: ContainerLimits | None) -> dict[str, dict[str, Value]]:
    """{"requests": {...}, "limits": {...}} of a container after defaulting and LimitRange."""
    resources = mapping(container.obj.get("resources"))
    own_limits = amounts(resources.get("limits"))
    own_requests = amounts(resources.get("requests"))
    result: dict[str, dict[str, Value]] = {
        "limits": {k: Value(v, True) for k, v in own_limits.items()},
        "requests": {k: Value(v, True) for k, v in own_requests.items()},
    }
    for key, value in own_limits.items():
        result["requests"].setdefault(key, Value(value, False))
    if limits is not None:
        for key, value in limits.default.items():
            result["limits"].setdefault(key, Value(value, False))
        for key, value in limits.default_request.items():
            result["requests"].setdefault(key, Value(value, False))
    return result


def pod_amounts(
    containers: Sequence[Container], limits: ContainerLimits | None, section: str
) -> Amounts:
    """A pod's effective `section` ("requests" or "limits") per resource (see module doc)."""
    per_container = [
        (c, {k: v.amount for k, v in effective(c, limits)[section].items()}) for c in containers
    ]
    keys = sorted({k for _, values in per_container for k in values})
    total: Amounts = {}
    for key in keys:
        sidecars = Fraction(0)
        init_peak = Fraction(0)
        for container, values in per_container:
            if not container.init:
                continue
            if container.sidecar:
                sidecars += values.get(key, Fraction(0))
                init_peak = max(init_peak, sidecars)
            else:
                init_peak = max(init_peak, sidecars + values.get(key, Fraction(0)))
        running = sidecars + sum(
            (values.get(key, Fraction(0)) for c, values in per_container if not c.init),
            Fraction(0),
        )
        total[key] = max(running, init_peak)
    return total

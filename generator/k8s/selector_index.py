"""Objects with a label selector (NetworkPolicies, PodDisruptionBudgets) by namespace and by
the labels they need, so that matching every workload against them is linear in practice
rather than workloads x selectors.

An object is filed under the first pair of its `matchLabels` (it can only select pods that
carry that pair); one without `matchLabels` (empty, or only `matchExpressions`) is a
candidate for every pod of its namespace. The caller still matches each candidate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

from generator.k8s.workloads import mapping
from generator.manifest import Manifest

_Entry = tuple[int, Manifest]  # input order, object


class SelectorIndex:
    def __init__(self, items: Iterable[tuple[str, object, Manifest]]) -> None:
        """`items`: (namespace, label selector, object), in input order."""
        self._any: defaultdict[str, list[_Entry]] = defaultdict(list)
        self._by_label: defaultdict[tuple[str, str, Hashable], list[_Entry]] = defaultdict(list)
        for order, (namespace, selector, manifest) in enumerate(items):
            labels = mapping(mapping(selector).get("matchLabels"))
            first = next(iter(labels.items()), None)
            if first is not None and isinstance(first[1], Hashable):
                self._by_label[(namespace, first[0], first[1])].append((order, manifest))
            else:
                self._any[namespace].append((order, manifest))

    def candidates(self, namespace: str, labels: Mapping[str, Any]) -> list[Manifest]:
        """The objects of `namespace` that may select pods with `labels`, in input order."""
        found = list(self._any.get(namespace, ()))
        for key, value in labels.items():
            if isinstance(value, Hashable):
                found += self._by_label.get((namespace, key, value), ())
        found.sort(key=lambda entry: entry[0])
        return [manifest for _, manifest in found]

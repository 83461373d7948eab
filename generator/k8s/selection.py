"""Objects indexed by namespace and label, so a rule finds what a selector matches without
comparing every selector with every object.

A selector with `matchLabels` is checked only against the objects carrying its rarest
label pair; one with only `matchExpressions` against its namespace. Every candidate is then
confirmed with `selector_matches` (full LabelSelector semantics).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from generator.k8s.workloads import Workload, mapping, pod_labels, selector_matches

T = TypeVar("T")


def _pairs(labels: Mapping[str, Any]) -> Iterable[tuple[str, Hashable]]:
    for key, value in labels.items():
        if isinstance(value, Hashable):
            yield key, value


class LabelIndex(Generic[T]):
    """Items with the namespace and labels they carry."""

    def __init__(self) -> None:
        self._items: dict[str, list[tuple[T, Mapping[str, Any]]]] = {}
        self._by_pair: dict[tuple[str, str, Hashable], list[tuple[T, Mapping[str, Any]]]] = {}

    def add(self, namespace: str, labels: Mapping[str, Any], item: T) -> None:
        entry = (item, labels)
        self._items.setdefault(namespace, []).append(entry)
        for key, value in _pairs(labels):
            self._by_pair.setdefault((namespace, key, value), []).append(entry)

    def namespaces(self) -> list[str]:
        return list(self._items)

    def select(self, namespace: str, selector: object) -> list[T]:
        """Items of `namespace` whose labels `selector` (a LabelSelector) matches, in the
        order they were added; an empty selector matches every item."""
        wanted = mapping(mapping(selector).get("matchLabels"))
        candidates = self._items.get(namespace, [])
        for key, value in _pairs(wanted):
            bucket = self._by_pair.get((namespace, key, value), [])
            if len(bucket) < len(candidates):
                candidates = bucket
        return [item for item, labels in candidates if selector_matches(selector, labels)]

    def select_labels(self, namespace: str, labels: object) -> list[T]:
        """Items matched by a plain label map (a Service's or ReplicationController's
        selector): every pair must be present."""
        return self.select(namespace, {"matchLabels": mapping(labels)})


class SelectorIndex(Generic[T]):
    """Items with a LabelSelector each, to find those matching a set of labels: a selector
    can only match labels that carry its first matchLabels pair, so it is filed under that
    pair; selectors without matchLabels are tried for every set of labels of the namespace."""

    def __init__(self) -> None:
        self._by_pair: dict[tuple[str, str, Hashable], list[tuple[T, object]]] = {}
        self._open: dict[str, list[tuple[T, object]]] = {}

    def add(self, namespace: str, selector: object, item: T) -> None:
        first = next(iter(_pairs(mapping(mapping(selector).get("matchLabels")))), None)
        if first is None:
            self._open.setdefault(namespace, []).append((item, selector))
        else:
            self._by_pair.setdefault((namespace, *first), []).append((item, selector))

    def matching(self, namespace: str, labels: Mapping[str, Any]) -> Iterator[T]:
        """Items whose selector matches `labels`, those without matchLabels first."""
        candidates = [*self._open.get(namespace, [])]
        for key, value in _pairs(labels):
            candidates += self._by_pair.get((namespace, key, value), [])
        return (item for item, selector in candidates if selector_matches(selector, labels))


def describe(selector: object) -> str:
    """A LabelSelector as kubectl writes it: `app=web, tier in (a, b), !canary`;
    `everything` when empty."""
    terms = mapping(selector)
    parts = [f"{k}={v}" for k, v in mapping(terms.get("matchLabels")).items()]
    expressions = terms.get("matchExpressions")
    for item in expressions if isinstance(expressions, list) else []:
        expression = mapping(item)
        key, operator = expression.get("key"), str(expression.get("operator"))
        values = expression.get("values")
        listed = ", ".join(str(v) for v in values) if isinstance(values, list) else ""
        if operator in ("In", "NotIn"):
            parts.append(f"{key} {operator.lower()} ({listed})")
        elif operator == "Exists":
            parts.append(f"{key}")
        elif operator == "DoesNotExist":
            parts.append(f"!{key}")
        else:
            parts.append(f"{key} {operator} ({listed})")
    return ", ".join(parts) or "everything"


def pod_index(found: Iterable[Workload]) -> LabelIndex[Workload]:
    """Workloads by the namespace and labels of their pods."""
    index: LabelIndex[Workload] = LabelIndex()
    for workload in found:
        index.add(workload.namespace, pod_labels(workload.manifest), workload)
    return index

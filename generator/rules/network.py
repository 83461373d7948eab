"""`network-` rules: a default deny per namespace, every pod covered (the Service and Ingress
rules live in `network_services` and `network_ingress`).

An object without `metadata.namespace` lands in the context's namespace (`validate`); in a
`lint` run without one, such objects form one unnamed namespace: policies and workloads
among them are matched with each other, but no default deny is demanded for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Resource, Severity
from generator.k8s.kinds import CLUSTER_SCOPED_KINDS
from generator.k8s.selection import SelectorIndex
from generator.k8s.workloads import (
    Workload,
    mapping,
    namespace_of,
    pod_labels,
    pod_spec_path,
    resource_of,
    workloads,
)
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.network_ingress import INGRESS_BACKEND, INGRESS_HOST
from generator.rules.network_services import SERVICE_MONITOR, SERVICE_SELECTOR, TARGET_PORT

DIRECTIONS = (("Ingress", "ingress", "from"), ("Egress", "egress", "to"))
DEFAULT_DENY = Rule(
    id="network-default-deny",
    severity=Severity.ERROR,
    summary="Every namespace has a NetworkPolicy denying all ingress and egress by default.",
    description=(
        "A default deny is a NetworkPolicy with `podSelector: {}` whose policyTypes cover "
        "Ingress and Egress (one policy or two) and whose rules allow nothing; explicit "
        "policies then allow what each app needs. A policy for all pods with an empty rule "
        "(`ingress: [{}]`) allows everything and undoes the deny. Checked for the context's "
        "namespace, or else for every namespace the objects name."
    ),
)

POD_NOT_COVERED = Rule(
    id="network-pod-not-covered",
    severity=Severity.ERROR,
    summary="Every workload's pods are isolated, for ingress and for egress, by NetworkPolicies "
    "of their namespace.",
    description=(
        "Pods no NetworkPolicy selects accept and send any traffic. Each direction counts on "
        "its own: a pod selected only by policies whose policyTypes are [Ingress] still sends "
        "traffic anywhere, and one selected only by [Egress] policies accepts any. Without "
        "policyTypes, the API server makes a policy Ingress, plus Egress when it has egress "
        "rules. podSelector is matched with matchLabels and matchExpressions against the pod "
        "template's labels; a default deny (`podSelector: {}`) selects every pod."
    ),
)


def _by_namespace(manifests: Sequence[Manifest], ctx: RuleContext) -> dict[str, list[Manifest]]:
    """The NetworkPolicies of each namespace, in input order."""
    found: dict[str, list[Manifest]] = {}
    for manifest in manifests:
        if manifest.kind == "NetworkPolicy":
            found.setdefault(namespace_of(manifest, ctx.namespace), []).append(manifest)
    return found


def _selects_all(policy: Manifest) -> bool:
    selector = mapping(get(policy.obj, "spec", "podSelector"))
    return not selector.get("matchLabels") and not selector.get("matchExpressions")


def policy_types(spec: Mapping[str, Any]) -> frozenset[str]:
    """The directions a policy isolates: its policyTypes, else (as the API server defaults
    them) Ingress, plus Egress when it has egress rules."""
    types = spec.get("policyTypes")
    if isinstance(types, list) and types:
        return frozenset(t for t in types if t in ("Ingress", "Egress"))
    egress = spec.get("egress")
    return frozenset({"Ingress", "Egress"} if isinstance(egress, list) and egress else {"Ingress"})


def _allows_all(rules: object, peers: str) -> bool:
    return isinstance(rules, list) and any(
        not mapping(r).get(peers) and not mapping(r).get("ports") for r in rules
    )


def _undenied(policies: Sequence[Manifest]) -> list[str]:
    """Directions (Ingress, Egress) that no all-pods policy denies by default."""
    open_directions = []
    for_all = [mapping(p.obj.get("spec")) for p in policies if _selects_all(p)]
    for direction, field, peers in DIRECTIONS:
        denied = any(direction in policy_types(s) for s in for_all)
        if not denied or any(_allows_all(s.get(field), peers) for s in for_all):
            open_directions.append(direction)
    return open_directions


def _anchors(manifests: Sequence[Manifest], ctx: RuleContext) -> dict[str, Manifest]:
    """Namespace -> the object a finding about it points at (its Namespace, else the first)."""
    found: dict[str, Manifest] = {}
    for manifest in manifests:
        named = manifest.kind == "Namespace" and manifest.name
        if named and ctx.namespace in (None, manifest.name):
            found[manifest.name] = manifest
    for manifest in manifests:
        if manifest.kind in CLUSTER_SCOPED_KINDS:
            continue
        namespace = manifest.namespace or ctx.namespace
        if namespace and ctx.namespace in (None, namespace):
            found.setdefault(namespace, manifest)
    return found


def check_default_deny(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    policies = _by_namespace(manifests, ctx)
    for namespace, anchor in _anchors(manifests, ctx).items():
        missing = _undenied(policies.get(namespace, []))
        if not missing:
            continue
        yield DEFAULT_DENY.finding(
            f"namespace '{namespace}' has no default deny for {' and '.join(missing).lower()}; "
            "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no "
            "rules, then allow what each app needs",
            anchor.position("metadata", "name" if anchor.kind == "Namespace" else "namespace"),
            Resource("Namespace", namespace),
            ctx.environment,
        )


class _Coverage:
    """The policies of each namespace: directions isolated for every pod, and the policies
    that select some pods, filed by label (`SelectorIndex`)."""

    def __init__(self, policies: Mapping[str, Sequence[Manifest]]) -> None:
        self._for_all: dict[str, set[str]] = {}
        self._selective: SelectorIndex[frozenset[str]] = SelectorIndex()
        for namespace, found in policies.items():
            for policy in found:
                types = policy_types(mapping(policy.obj.get("spec")))
                if _selects_all(policy):
                    self._for_all.setdefault(namespace, set()).update(types)
                else:
                    selector = get(policy.obj, "spec", "podSelector")
                    self._selective.add(namespace, selector, types)

    def directions(self, namespace: str, labels: Mapping[str, Any]) -> set[str]:
        found = set(self._for_all.get(namespace, ()))
        for types in self._selective.matching(namespace, labels):
            if len(found) == len(DIRECTIONS):
                break
            found |= types
        return found


def _uncovered_message(
    workload: Workload, labels: Mapping[str, Any], missing: Sequence[str]
) -> str:
    shown = ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "none"
    where = f"namespace '{workload.namespace}'" if workload.namespace else "this set"
    pods = f"pods of {workload.label} (labels: {shown})"
    if len(missing) == len(DIRECTIONS):
        return (
            f"{pods} are selected by no NetworkPolicy of {where}, so any traffic reaches and "
            "leaves them; add a default deny (podSelector: {}) or a policy selecting them"
        )
    if missing == ["Ingress"]:
        return (
            f"{pods} are selected by no NetworkPolicy of {where} for ingress (those selecting "
            "them isolate egress only: policyTypes [Egress]), so any traffic reaches them; "
            "add Ingress to the policyTypes of a policy selecting them, or a default deny for "
            "ingress"
        )
    return (
        f"{pods} are selected by no NetworkPolicy of {where} for egress (those selecting "
        "them isolate ingress only: policyTypes [Ingress], or no policyTypes and no egress "
        "rules), so they may send traffic anywhere; add Egress to the policyTypes of a "
        "policy selecting them, or a default deny for egress"
    )


def check_pod_not_covered(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    coverage = _Coverage(_by_namespace(manifests, ctx))
    for workload in workloads(manifests, ctx.namespace):
        manifest, labels = workload.manifest, pod_labels(workload.manifest)
        covered = coverage.directions(workload.namespace, labels)
        missing = [direction for direction, _, _ in DIRECTIONS if direction not in covered]
        if not missing:
            continue
        spec_path = pod_spec_path(manifest) or ("spec",)
        yield POD_NOT_COVERED.finding(
            _uncovered_message(workload, labels, missing),
            manifest.position(*spec_path[:-1], "metadata", "labels"),
            resource_of(manifest, ctx.namespace),
            ctx.environment,
        )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(DEFAULT_DENY, check_default_deny),
    ManifestRule(POD_NOT_COVERED, check_pod_not_covered),
    INGRESS_HOST,
    SERVICE_SELECTOR,
    TARGET_PORT,
    INGRESS_BACKEND,
    SERVICE_MONITOR,
)

"""`network-` rules on what Services and ServiceMonitors point at within one set (one
overlay, one environment, one `lint` run): pods, ports and Services that are not there.

A reference to an object absent from the set is a warning (it may be deployed from
elsewhere); a reference the set contradicts (a named targetPort no selected container
declares) is an error.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.selection import LabelIndex, describe, pod_index
from generator.k8s.workloads import (
    Workload,
    containers,
    mapping,
    namespace_of,
    resource_of,
    workloads,
)
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext

SERVICE_SELECTOR_RULE = Rule(
    id="network-service-selector",
    severity=Severity.WARNING,
    summary="A Service's selector matches the pods of some workload in the set.",
    description=(
        "A Service whose selector matches no pod template of its namespace in the set has no "
        "endpoints: traffic to it fails. A warning, since the pods may be deployed from "
        "elsewhere. Services without a selector (endpoints managed by hand) and of type "
        "ExternalName are not checked."
    ),
)

TARGET_PORT_RULE = Rule(
    id="network-service-target-port",
    severity=Severity.ERROR,
    summary="A Service's named targetPort is declared by the containers it selects.",
    description=(
        "A targetPort given as a name resolves, per pod, to the container port of that name; "
        "when no container of the selected workloads declares it, the Service has no "
        "endpoints for that port. Checked where the selector matches workloads of the set; "
        "numeric targetPorts are not checked (a process may listen on an undeclared port)."
    ),
)

SERVICE_MONITOR_RULE = Rule(
    id="network-service-monitor",
    severity=Severity.WARNING,
    summary="A ServiceMonitor selects a Service of the set, and a port that Service names.",
    description=(
        "A ServiceMonitor (monitoring.coreos.com) selects Services by label in its own "
        "namespace, or those of `namespaceSelector` (`matchNames`, or `any: true`). When it "
        "selects no Service of the set, or an endpoint's `port` is a name none of the "
        "selected Services gives a port, Prometheus scrapes nothing. Warnings: the Services "
        "may be deployed from elsewhere."
    ),
)


def services(manifests: Sequence[Manifest]) -> Iterator[Manifest]:
    return (m for m in manifests if m.kind == "Service" and m.api_version == "v1")


def _selector(service: Manifest) -> Mapping[str, Any] | None:
    """The selector of a Service the rules check, None for one without (or ExternalName)."""
    spec = mapping(service.obj.get("spec"))
    selector = spec.get("selector")
    if spec.get("type") == "ExternalName" or not isinstance(selector, Mapping) or not selector:
        return None
    return selector


class _Ports:
    """Port names the long-running containers of each workload declare, computed once each."""

    def __init__(self) -> None:
        self._names: dict[int, set[str]] = {}

    def names(self, workload: Workload) -> set[str]:
        key = id(workload.manifest)
        if key not in self._names:
            found: set[str] = set()
            for container in containers(workload.manifest):
                if container.init and not container.sidecar:
                    continue
                ports = container.obj.get("ports")
                for port in ports if isinstance(ports, list) else []:
                    name = mapping(port).get("name")
                    if isinstance(name, str):
                        found.add(name)
            self._names[key] = found
        return self._names[key]


def check_service_selector(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    pods = pod_index(workloads(manifests, ctx.namespace))
    for service in services(manifests):
        selector = _selector(service)
        namespace = namespace_of(service, ctx.namespace)
        if selector is None or pods.select_labels(namespace, selector):
            continue
        where = f" of namespace '{namespace}'" if namespace else ""
        yield SERVICE_SELECTOR_RULE.finding(
            f"{service.label()} selects pods labelled {describe({'matchLabels': selector})}, but "
            f"no workload{where} in this set has them, so it has no endpoints; fix the selector "
            "or the pod labels (a warning: the pods may be deployed from elsewhere)",
            service.position("spec", "selector"),
            resource_of(service, ctx.namespace),
            ctx.environment,
        )


def check_target_port(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    pods = pod_index(workloads(manifests, ctx.namespace))
    declared = _Ports()
    for service in services(manifests):
        selector = _selector(service)
        if selector is None:
            continue
        selected = pods.select_labels(namespace_of(service, ctx.namespace), selector)
        ports = get(service.obj, "spec", "ports")
        for index, port in enumerate(ports if isinstance(ports, list) else []):
            target = mapping(port).get("targetPort")
            if not selected or not isinstance(target, str):
                continue
            if any(target in declared.names(w) for w in selected):
                continue
            shown = " and ".join(w.label for w in selected[:3])
            yield TARGET_PORT_RULE.finding(
                f"{service.label()} targets port '{target}', which no container of {shown} "
                "declares, so the Service has no endpoints for it; name a containerPort "
                f"'{target}' or target the port number",
                service.position("spec", "ports", index, "targetPort"),
                resource_of(service, ctx.namespace),
                ctx.environment,
            )


def port_names(service: Manifest) -> tuple[set[object], set[object], str]:
    ports = get(service.obj, "spec", "ports")
    entries = [mapping(p) for p in (ports if isinstance(ports, list) else [])]
    shown = ", ".join(
        f"{p.get('name')} {p.get('port')}" if p.get("name") else str(p.get("port")) for p in entries
    )
    return {p.get("port") for p in entries}, {p.get("name") for p in entries}, shown or "none"


def _monitored_namespaces(monitor: Manifest, own: str, known: Sequence[str]) -> list[str]:
    selector = mapping(get(monitor.obj, "spec", "namespaceSelector"))
    if selector.get("any") is True:
        return list(known)
    names = selector.get("matchNames")
    if isinstance(names, list) and names:
        return [n for n in names if isinstance(n, str)]
    return [own]


def check_service_monitor(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    index: LabelIndex[Manifest] = LabelIndex()
    for service in services(manifests):
        labels = mapping(get(service.obj, "metadata", "labels"))
        index.add(namespace_of(service, ctx.namespace), labels, service)
    for monitor in manifests:
        if monitor.kind != "ServiceMonitor" or not monitor.api_version.startswith(
            "monitoring.coreos.com/"
        ):
            continue
        own = namespace_of(monitor, ctx.namespace)
        selector = get(monitor.obj, "spec", "selector")
        selected = [
            s
            for ns in _monitored_namespaces(monitor, own, index.namespaces())
            for s in index.select(ns, selector)
        ]
        resource = resource_of(monitor, ctx.namespace)
        if not selected:
            yield SERVICE_MONITOR_RULE.finding(
                f"{monitor.label()} selects Services labelled {describe(selector)}, but no Service "
                "it watches in this set has those labels, so Prometheus scrapes nothing; fix the "
                "selector or the Service labels (a warning: the Service may be deployed from "
                "elsewhere)",
                monitor.position("spec", "selector"),
                resource,
                ctx.environment,
            )
            continue
        names = {n for s in selected for n in port_names(s)[1]}
        endpoints = get(monitor.obj, "spec", "endpoints")
        for i, endpoint in enumerate(endpoints if isinstance(endpoints, list) else []):
            port = mapping(endpoint).get("port")
            if isinstance(port, str) and port not in names:
                yield SERVICE_MONITOR_RULE.finding(
                    f"{monitor.label()} scrapes port '{port}', which no Service it selects "
                    f"({', '.join(s.label() for s in selected[:3])}) names, so Prometheus "
                    "scrapes nothing there; use a Service port name",
                    monitor.position("spec", "endpoints", i, "port"),
                    resource,
                    ctx.environment,
                )


SERVICE_SELECTOR = ManifestRule(SERVICE_SELECTOR_RULE, check_service_selector)
TARGET_PORT = ManifestRule(TARGET_PORT_RULE, check_target_port)
SERVICE_MONITOR = ManifestRule(SERVICE_MONITOR_RULE, check_service_monitor)

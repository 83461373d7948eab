"""`network-` rules on Ingresses: valid hosts, each host and path routed once, and backends
that name a Service of the set and one of its ports."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.display import NO_NAME, show
from generator.k8s.workloads import mapping, namespace_of, resource_of
from generator.manifest import Manifest, NodePath, get
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.network_services import port_names, services

_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
HOST = re.compile(rf"(\*\.)?{_DNS_LABEL}(\.{_DNS_LABEL})*")

INGRESS_HOST_RULE = Rule(
    id="network-ingress-host",
    severity=Severity.ERROR,
    summary="Ingress hosts are valid DNS names and each host and path is routed once.",
    description=(
        "Two Ingresses routing the same host and path make the controller pick one at "
        "random; the second is reported. A rule without a host routes every host. Hosts must "
        "be lowercase DNS names (a leading `*.` wildcard is allowed). In `validate`, each "
        "app's Ingress must serve the host its environment's (or its own) host template "
        "gives it."
    ),
)


INGRESS_BACKEND_RULE = Rule(
    id="network-ingress-backend",
    severity=Severity.ERROR,
    summary="An Ingress routes to a Service of the set, on a port that Service has.",
    description=(
        "Each `backend.service` of an Ingress (its rules' paths and its defaultBackend) names "
        "a Service of the Ingress's namespace and one of its ports, by `number` (the Service "
        "`port`) or by `name`. A Service that is present but lacks the port is an error: the "
        "controller answers 503. A Service absent from the set is a warning, since it may be "
        "deployed from elsewhere."
    ),
)


def _routes(ingress: Manifest) -> Iterator[tuple[int, object, int | None, str]]:
    """(rule index, host, path index or None, path) of every route of an Ingress."""
    rules = get(ingress.obj, "spec", "rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = get(rule, "http", "paths")
        if not isinstance(paths, list) or not paths:
            yield i, mapping(rule).get("host"), None, "/"
        for j, entry in enumerate(paths if isinstance(paths, list) else []):
            path = mapping(entry).get("path")
            yield i, mapping(rule).get("host"), j, path if isinstance(path, str) else "/"


def check_ingress_host(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    seen: dict[tuple[str, str], Manifest] = {}
    for ingress in (m for m in manifests if m.kind == "Ingress"):
        resource = resource_of(ingress, ctx.namespace)
        for i, host, j, path in _routes(ingress):
            if host is not None and (not isinstance(host, str) or not HOST.fullmatch(host)):
                if j in (None, 0):  # once per rule, not per path
                    yield INGRESS_HOST_RULE.finding(
                        f"host {show(host)} is not a valid DNS name; use lowercase letters, "
                        "digits, '-' and '.' (a leading '*.' is allowed), without port or scheme",
                        ingress.position("spec", "rules", i, "host"),
                        resource,
                        ctx.environment,
                    )
                continue
            expected = (ctx.ingress_hosts or {}).get(ingress.name)
            if ctx.ingress_hosts is not None and expected is not None and host != expected:
                yield INGRESS_HOST_RULE.finding(
                    f"{ingress.label()} serves {show(host)}, but the host template gives "
                    f"'{expected}'; change the host template in the catalog, not the Ingress",
                    ingress.position("spec", "rules", i, "host"),
                    resource,
                    ctx.environment,
                )
            shown = f"host '{host}'" if host else "every host (no host set)"
            first = seen.get((host or "", path))
            if first is None:
                seen[(host or "", path)] = ingress
                continue
            node = ("http", "paths", j, "path") if j is not None else ("host",)
            yield INGRESS_HOST_RULE.finding(
                f"{shown} path '{path}' is already routed by Ingress {_named(first, ctx)}; "
                "give this app its own host or path",
                ingress.position("spec", "rules", i, *node),
                resource,
                ctx.environment,
            )


def _named(manifest: Manifest, ctx: RuleContext) -> str:
    namespace = namespace_of(manifest, ctx.namespace)
    name = manifest.name or NO_NAME
    return f"{namespace}/{name}" if namespace else name


def _backends(ingress: Manifest) -> Iterator[tuple[NodePath, Mapping[str, Any], str]]:
    """(node path of backend.service, its mapping, which route) of every Ingress backend."""
    default = get(ingress.obj, "spec", "defaultBackend", "service")
    if isinstance(default, Mapping):
        yield ("spec", "defaultBackend", "service"), default, "its default backend"
    rules = get(ingress.obj, "spec", "rules")
    for i, rule in enumerate(rules if isinstance(rules, list) else []):
        paths = get(rule, "http", "paths")
        host = mapping(rule).get("host")
        for j, entry in enumerate(paths if isinstance(paths, list) else []):
            service = get(entry, "backend", "service")
            if isinstance(service, Mapping):
                path = mapping(entry).get("path", "/")
                route = f"host {show(host)} path {show(path)}" if host else f"path {show(path)}"
                yield ("spec", "rules", i, "http", "paths", j, "backend", "service"), service, route


def check_ingress_backend(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    by_name = {(namespace_of(s, ctx.namespace), s.name): s for s in services(manifests)}
    for ingress in (m for m in manifests if m.kind == "Ingress"):
        namespace = namespace_of(ingress, ctx.namespace)
        resource = resource_of(ingress, ctx.namespace)
        for at, backend, route in _backends(ingress):
            name = backend.get("name")
            service = by_name.get((namespace, name)) if isinstance(name, str) else None
            if service is None:
                yield INGRESS_BACKEND_RULE.finding(
                    f"{ingress.label()} routes {route} to Service {show(name)}, which is not in "
                    "this set; add the Service or fix the name (a warning: it may be deployed "
                    "from elsewhere)",
                    ingress.position(*at, "name"),
                    resource,
                    ctx.environment,
                    Severity.WARNING,
                )
                continue
            port = mapping(backend.get("port"))
            numbers, names, shown = port_names(service)
            if "number" in port and port["number"] not in numbers:
                wanted, field = f"port {show(port['number'])}", "number"
            elif "name" in port and port["name"] not in names:
                wanted, field = f"port {show(port['name'])}", "name"
            else:
                continue
            yield INGRESS_BACKEND_RULE.finding(
                f"{ingress.label()} routes {route} to {wanted} of Service '{name}', which has no "
                f"such port (its ports: {shown}), so the controller answers 503; use one of its "
                "ports",
                ingress.position(*at, "port", field),
                resource,
                ctx.environment,
            )


INGRESS_HOST = ManifestRule(INGRESS_HOST_RULE, check_ingress_host)
INGRESS_BACKEND = ManifestRule(INGRESS_BACKEND_RULE, check_ingress_backend)

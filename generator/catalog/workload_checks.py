"""Checks of an app's workload values (probes, ports, replicas, autoscaling) as `build` reads
them: defaults < app < environment, maps merged key by key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.build import PROBE_MODES, merge, merge_probes
from generator.catalog.checks import _section
from generator.catalog.values import app_values, where
from generator.finding import Finding
from generator.manifest import NodePath
from generator.yamlio import Located


def _where(at: NodePath) -> str:
    return ".".join(str(k) for k in at)


def check_probes(doc: Located) -> Iterator[Finding]:
    defaults = _section(doc, "defaults").get("probes", {})
    for app, spec in _section(doc, "apps").items():
        own = spec.get("probes", {})
        for kind, probe in merge_probes(defaults, own).items():
            source = ("apps", app, "probes", kind) if kind in own else ("defaults", "probes", kind)
            modes = [m for m in PROBE_MODES if m in probe]
            if len(modes) != 1:
                sets = " and ".join(modes) if modes else "none"
                yield rules.PROBE.finding(
                    f"{kind} probe of app '{app}' sets {sets}; set exactly one of path, grpc, tcp "
                    "and command",
                    doc.position(source, key=True),
                )
            elif modes[0] != "command" and "port" not in probe and not _has_ports(doc, spec):
                yield rules.PROBE.finding(
                    f"{kind} probe of app '{app}' has no port: the app has no `port` or "
                    "`ports`; set the probe's `port`",
                    doc.position(source, key=True),
                )


def _has_ports(doc: Located, spec: dict[str, Any]) -> bool:
    defaults = _section(doc, "defaults")
    return any(k in spec or k in defaults for k in ("port", "ports"))


def check_ports(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        if _has_ports(doc, spec):
            continue
        for key in ("ingress", "servicePort"):
            if key in spec:
                yield rules.PORT_REQUIRED.finding(
                    f"app '{app}' has `{key}` but no `port` or `ports`; set the container port",
                    doc.position(("apps", app, key), key=True),
                )


def check_port_conflicts(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        metrics = spec.get("metrics", {}).get("port")
        served = spec.get("servicePort", spec.get("port"))
        # A metrics port equal to the container port shares its Service port; only a
        # different container port served on the metrics number clashes.
        if metrics is not None and metrics != spec.get("port") and metrics == served:
            yield rules.PORT_CONFLICT.finding(
                f"app '{app}' serves traffic and metrics on Service port {metrics}; give "
                "`servicePort` or `metrics.port` another number",
                doc.position(("apps", app, "metrics", "port")),
            )


def _named(values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every declared port of the pod by name, the `port:` shorthand as `http`."""
    found: dict[str, dict[str, Any]] = {}
    if "ports" in values:
        found.update({str(k): v for k, v in (values["ports"] or {}).items()})
    elif "port" in values:
        found["http"] = {"port": values["port"], "servicePort": values.get("servicePort")}
    for field in ("sidecars", "initContainers"):
        for spec in (values.get(field) or {}).values():
            found.update({str(k): v for k, v in ((spec or {}).get("ports") or {}).items()})
    return found


def check_service_ports(doc: Located) -> Iterator[Finding]:
    for app in _section(doc, "apps"):
        values = app_values(doc, app)
        served: dict[tuple[int, str], str] = {}
        for name, spec in _named(values).items():
            key = (spec.get("servicePort") or spec["port"], spec.get("protocol", "TCP"))
            if key in served:
                yield rules.PORT_CONFLICT.finding(
                    f"ports '{served[key]}' and '{name}' of app '{app}' are both served on "
                    f"Service port {key[0]}/{key[1]}; give one another `servicePort`",
                    where(doc, app, None, "ports", name),
                )
            served.setdefault(key, name)


def check_port_references(doc: Located) -> Iterator[Finding]:
    for app in _section(doc, "apps"):
        values = app_values(doc, app)
        named = _named(values)
        references: list[tuple[NodePath, Any, Any]] = [
            (("metrics", "port"), (values.get("metrics") or {}).get("port"), named),
            (("ingress", "port"), (values.get("ingress") or {}).get("port"), named),
        ]
        own = {k: v for k, v in named.items() if k in (values.get("ports") or {"http": 0})}
        for kind, probe in (values.get("probes") or {}).items():
            references.append((("probes", kind, "port"), (probe or {}).get("port"), own))
        for field in ("sidecars", "initContainers"):
            for name, spec in (values.get(field) or {}).items():
                ports = (spec or {}).get("ports") or {}
                for kind, probe in ((spec or {}).get("probes") or {}).items():
                    path: NodePath = (field, name, "probes", kind, "port")
                    references.append((path, (probe or {}).get("port"), ports))
        for at, port, known in references:
            if isinstance(port, str) and port not in known:
                listed = ", ".join(sorted(known)) or "none"
                yield rules.PORT_REQUIRED.finding(
                    f"`{_where(at)}` of app '{app}' names port '{port}', which its container "
                    f"does not declare (declared: {listed}); name a port of `ports` or give a "
                    "number",
                    where(doc, app, None, *at),
                )


def _chains(doc: Located) -> Iterator[tuple[list[NodePath], str, str | None]]:
    """Each place that writes `autoscaling`, after the less specific places it merges over;
    with whose values these are and in which environment."""
    if "autoscaling" in _section(doc, "defaults"):
        yield [("defaults",)], "the defaults", None
    for app, spec in _section(doc, "apps").items():
        chain: list[NodePath] = [("defaults",), ("apps", app)]
        if "autoscaling" in spec:
            yield chain, f"app '{app}'", None
        for env, values in spec["environments"].items():
            if "autoscaling" in values:
                yield [*chain, ("apps", app, "environments", env)], f"app '{app}' in '{env}'", env


def _value(doc: Located, at: NodePath) -> Any:
    value: Any = doc.data
    for part in at:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _autoscaling(doc: Located, chain: list[NodePath]) -> tuple[dict[str, Any] | None, NodePath]:
    """The autoscaling merged along `chain`, and where its minReplicas is written."""
    merged: dict[str, Any] | None = None
    min_at: NodePath = ()
    for at in chain:
        own = _value(doc, (*at, "autoscaling"))
        if isinstance(own, dict):
            merged = merge(merged or {}, own)
            min_at = (*at, "autoscaling", "minReplicas") if "minReplicas" in own else min_at
    return merged, min_at


def check_autoscaling(doc: Located) -> Iterator[Finding]:
    for chain, owner, env in _chains(doc):
        scaling, min_at = _autoscaling(doc, chain)
        if not scaling or scaling.get("minReplicas", 1) <= scaling["maxReplicas"]:
            continue
        own = (*chain[-1], "autoscaling")
        # maxReplicas is required where autoscaling is written; minReplicas may be inherited.
        inherited = min_at[:-1] != own
        yield rules.AUTOSCALING.finding(
            f"autoscaling of {owner} has minReplicas {scaling['minReplicas']}"
            + (f" (from `{_where(min_at)}`)" if inherited else "")
            + f" above maxReplicas {scaling['maxReplicas']}; raise maxReplicas or lower "
            "minReplicas",
            doc.position((*own, "maxReplicas" if inherited else "minReplicas")),
            environment=env,
        )

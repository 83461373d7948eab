"""Checks of an app's workload values (probes, ports, replicas, autoscaling) as `build` reads
them: defaults < app < environment, maps merged key by key."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.build import PROBE_MODES, merge, merge_probes
from generator.catalog.checks import _section
from generator.finding import Finding, Severity
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
            elif modes[0] != "command" and "port" not in probe and "port" not in spec:
                yield rules.PROBE.finding(
                    f"{kind} probe of app '{app}' has no port: the app has no `port`; set the "
                    "probe's `port`",
                    doc.position(source, key=True),
                )


def check_ports(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        if "port" in spec:
            continue
        for key in ("ingress", "servicePort"):
            if key in spec:
                yield rules.PORT_REQUIRED.finding(
                    f"app '{app}' has `{key}` but no `port`; set the container port",
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


def check_min_replicas(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    for app, spec in _section(doc, "apps").items():
        for env, values in spec["environments"].items():
            minimum = environments.get(env, {}).get("minReplicas")
            if minimum is None or values.get("enabled", True) is False:
                continue
            at = ("apps", app, "environments", env)
            chain: list[NodePath] = [("defaults",), ("apps", app), at]
            scaling, _ = _autoscaling(doc, chain)
            if scaling:
                replicas, key = scaling.get("minReplicas", 1), "autoscaling"
            else:
                written = [_value(doc, (*level, "replicas")) for level in chain]
                replicas = next((r for r in reversed(written) if r is not None), 1)
                key = "replicas"
            if replicas < minimum:
                yield Finding(
                    "workload-min-replicas",
                    Severity.ERROR,
                    f"app '{app}' runs {replicas} replica(s) in '{env}', which requires at least "
                    f"{minimum} (minReplicas); raise its replicas",
                    doc.position((*at, key) if key in values else at, key=True),
                    environment=env,
                )

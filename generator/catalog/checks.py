"""Checks of a schema-valid catalog: names, references, versions, probes, secrets.

Each check takes the located document and yields findings; `generator.catalog.graph`
holds the checks across apps and environments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.names import is_dns_label
from generator.catalog.versions import version_problem
from generator.finding import Finding, Severity
from generator.yamlio import Located

Check = Callable[[Located], Iterator[Finding]]


def _section(doc: Located, key: str) -> dict[str, Any]:
    value = doc.data.get(key)
    return value if isinstance(value, dict) else {}


def check_names(doc: Located) -> Iterator[Finding]:
    for section, what in (
        ("apps", "app"),
        ("environments", "environment"),
        ("clusters", "cluster"),
        ("teams", "team"),
    ):
        for name in _section(doc, section):
            if not is_dns_label(str(name)):
                yield rules.INVALID_NAME.finding(
                    f"{what} name '{name}' is not a DNS-1123 label; use lower-case letters, "
                    "digits and '-' (e.g. 'web-app'), at most 63 characters",
                    doc.position((section, name), key=True),
                )


def _reference(
    doc: Located, at: tuple[Any, ...], name: Any, section: str, what: str
) -> Iterator[Finding]:
    known = sorted(_section(doc, section))
    if name not in known:
        yield rules.UNKNOWN_REFERENCE.finding(
            f"unknown {what} '{name}'; define it under `{section}` or use one of: "
            + ", ".join(known),
            doc.position(at, key=isinstance(at[-1], str) and at[-1] == name),
        )


def check_references(doc: Located) -> Iterator[Finding]:
    for env, spec in _section(doc, "environments").items():
        yield from _reference(
            doc, ("environments", env, "cluster"), spec["cluster"], "clusters", "cluster"
        )
        for team in spec.get("access", {}):
            yield from _reference(doc, ("environments", env, "access", team), team, "teams", "team")
    for app, spec in _section(doc, "apps").items():
        yield from _reference(doc, ("apps", app, "team"), spec["team"], "teams", "team")
        for i, dep in enumerate(spec.get("dependsOn", [])):
            yield from _reference(doc, ("apps", app, "dependsOn", i), dep, "apps", "app")
        for env in spec["environments"]:
            yield from _reference(
                doc, ("apps", app, "environments", env), env, "environments", "environment"
            )
        for i, suppression in enumerate(spec.get("suppress", [])):
            for j, env in enumerate(suppression.get("environments", [])):
                at = ("apps", app, "suppress", i, "environments", j)
                yield from _reference(doc, at, env, "environments", "environment")


def check_environments_listed(doc: Located) -> Iterator[Finding]:
    envs = list(_section(doc, "environments"))
    for app, spec in _section(doc, "apps").items():
        missing = [e for e in envs if e not in spec["environments"]]
        if missing:
            yield rules.MISSING_ENVIRONMENT.finding(
                f"app '{app}' does not list environment(s) {', '.join(missing)}; add each under "
                "`environments` with its version, or `enabled: false`",
                doc.position(("apps", app, "environments"), key=True),
            )


def check_versions(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    for app, spec in _section(doc, "apps").items():
        for env, values in spec["environments"].items():
            if values.get("enabled", True) is False or env not in environments:
                continue
            at = ("apps", app, "environments", env)
            version = values.get("version")
            if version is None:
                yield rules.VERSION_REQUIRED.finding(
                    f"app '{app}' runs in '{env}' without a version; set `version` "
                    "(or `enabled: false`)",
                    doc.position(at, key=True),
                )
                continue
            policy = environments[env].get("imagePolicy", "tag")
            problem = version_problem(version, policy)
            if problem:
                rule_id, reason = problem
                yield Finding(
                    rule_id,
                    Severity.ERROR,
                    f"version '{version}' of app '{app}' in '{env}': {reason}",
                    doc.position((*at, "version")),
                    environment=env,
                )


def check_secrets(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        for name in spec.get("secrets", {}):
            if not str(name).replace("_", "a").isalnum() or str(name)[0].isdigit():
                yield rules.SCHEMA.finding(
                    f"secret name '{name}' is not an environment variable name; use letters, "
                    "digits and '_', not starting with a digit",
                    doc.position(("apps", app, "secrets", name), key=True),
                )


def check_secret_stores(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    for app, spec in _section(doc, "apps").items():
        if not spec.get("secrets"):
            continue
        for env, values in spec["environments"].items():
            if (
                values.get("enabled", True)
                and env in environments
                and "secretStore" not in environments[env]
            ):
                yield rules.SECRET_STORE.finding(
                    f"app '{app}' has secrets and runs in '{env}', which names no secretStore; "
                    f"set `environments.{env}.secretStore`",
                    doc.position(("environments", env), key=True),
                    environment=env,
                )


def check_probes(doc: Located) -> Iterator[Finding]:
    defaults = _section(doc, "defaults").get("probes", {})
    for app, spec in _section(doc, "apps").items():
        probes = {**defaults, **spec.get("probes", {})}
        for kind, probe in sorted(probes.items()):
            source = (
                ("apps", app, "probes", kind)
                if kind in spec.get("probes", {})
                else ("defaults", "probes", kind)
            )
            modes = [m for m in ("path", "grpc", "tcp", "command") if m in probe]
            if len(modes) != 1:
                yield rules.PROBE.finding(
                    f"{kind} probe of app '{app}' sets {', '.join(modes) or 'none'} of path, grpc, "
                    "tcp and command; set exactly one",
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


def _autoscaling(*layers: dict[str, Any]) -> dict[str, Any] | None:
    """The autoscaling that applies over `layers` (defaults, app, environment): merged key by
    key, as the model builds it; None when no layer sets one."""
    merged: dict[str, Any] | None = None
    for layer in layers:
        scaling = layer.get("autoscaling")
        if scaling:
            merged = {**(merged or {}), **scaling}
    return merged


def check_autoscaling(doc: Located) -> Iterator[Finding]:
    defaults = _section(doc, "defaults")
    scaling = defaults.get("autoscaling")
    if scaling and scaling.get("minReplicas", 1) > scaling["maxReplicas"]:
        yield rules.AUTOSCALING.finding(
            f"autoscaling of the defaults has minReplicas {scaling['minReplicas']} above "
            f"maxReplicas {scaling['maxReplicas']}; raise maxReplicas or lower minReplicas",
            doc.position(("defaults", "autoscaling", "minReplicas")),
        )
    for app, spec in _section(doc, "apps").items():
        places = [(("apps", app), spec, (defaults, spec))] + [
            (("apps", app, "environments", env), values, (defaults, spec, values))
            for env, values in spec["environments"].items()
        ]
        for at, values, layers in places:
            scaling = _autoscaling(*layers)
            if not values.get("autoscaling") or scaling is None:
                continue
            low, high = scaling.get("minReplicas", 1), scaling.get("maxReplicas", 1)
            if low > high:
                key = "minReplicas" if "minReplicas" in values["autoscaling"] else "maxReplicas"
                yield rules.AUTOSCALING.finding(
                    f"autoscaling of app '{app}' has minReplicas {low} above "
                    f"maxReplicas {high}; raise maxReplicas or lower minReplicas",
                    doc.position((*at, "autoscaling", key)),
                )


def check_min_replicas(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    defaults = _section(doc, "defaults")
    for app, spec in _section(doc, "apps").items():
        for env, values in spec["environments"].items():
            minimum = environments.get(env, {}).get("minReplicas")
            if minimum is None or values.get("enabled", True) is False:
                continue
            scaling = _autoscaling(defaults, spec, values)
            if scaling:
                replicas, key = scaling.get("minReplicas", 1), "autoscaling"
            else:
                replicas = values.get("replicas", spec.get("replicas", defaults.get("replicas", 1)))
                key = "replicas"
            if replicas < minimum:
                base = ("apps", app, "environments", env)
                at = (*base, key) if key in values else base
                yield Finding(
                    "workload-min-replicas",
                    Severity.ERROR,
                    f"app '{app}' runs {replicas} replica(s) in '{env}', which requires at least "
                    f"{minimum} (minReplicas); raise its replicas",
                    doc.position(at, key=True),
                    environment=env,
                )

"""Checks of an app's containers: port names, environment variables, volumes, sidecars and
init containers, pod labels and egress rules, on the values as the model merges them."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.build import volume_name
from generator.catalog.checks import ENV_NAME, _section
from generator.catalog.names import is_dns_label, shown
from generator.catalog.values import app_values, declared, in_environment, running, where
from generator.catalog.versions import version_finding
from generator.finding import Finding, Position
from generator.manifest import NodePath
from generator.yamlio import Located

PORT_NAME = re.compile(r"^(?=.*[a-z])(?!.*--)[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
MAX_CONFIG_KEY = 253  # a ConfigMap key's limit
VOLUME_TYPES = ("emptyDir", "configMap", "secret")
PERSISTENT_FIELDS = ("size", "storageClass", "accessModes")
OWNED_LABELS = (c.LABEL_NAME, c.LABEL_MANAGED_BY, c.LABEL_TEAM, c.LABEL_ENVIRONMENT)
CONTAINER_LISTS = ("sidecars", "initContainers")


def port_name_problem(name: str) -> str | None:
    if len(name) > 15:
        return (
            f"port name '{name}' has {len(name)} characters; Kubernetes allows at most 15: "
            "shorten it (e.g. 'http', 'grpc', 'tcp-redis')"
        )
    if not PORT_NAME.fullmatch(name):
        return (
            f"port name '{name}' is not a Kubernetes port name; use lower-case letters, digits "
            "and '-' with at least one letter (e.g. 'http', 'tcp-redis')"
        )
    return None


def env_name_problem(name: str, what: str, app: str) -> str | None:
    """Why `name` (a config key, an env name ...) cannot be an environment variable, or None."""
    if len(name) > MAX_CONFIG_KEY:
        return (
            f"{what} {shown(name[:20] + '...')} of app '{app}' has {len(name)} characters; "
            f"Kubernetes allows at most {MAX_CONFIG_KEY}: shorten it"
        )
    if not ENV_NAME.fullmatch(name):
        return (
            f"{what} {shown(name)} of app '{app}' is not an environment variable name; use "
            "letters, digits and '_', not starting with a digit"
        )
    return None


def _containers(values: dict[str, Any]) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    """(owner, container values): the app itself, then each sidecar and init container."""
    yield (), values
    for field in CONTAINER_LISTS:
        for name, spec in (values.get(field) or {}).items():
            yield (field, name), spec or {}


def _value_sets(doc: Located) -> Iterator[tuple[str, str | None, dict[str, Any]]]:
    """(app, environment, merged values): each app's own, then each enabled environment's."""
    for app in _section(doc, "apps"):
        yield app, None, app_values(doc, app)
    yield from running(doc)


def check_port_names(doc: Located) -> Iterator[Finding]:
    reported: set[tuple[str, Position]] = set()
    for app, env, values in _value_sets(doc):
        for finding in _port_names(doc, app, env, values):
            if (finding.rule, finding.position) not in reported:
                reported.add((finding.rule, finding.position))
                yield finding


def _port_names(
    doc: Located, app: str, env: str | None, values: dict[str, Any]
) -> Iterator[Finding]:
    if "port" in values and "ports" in values:
        yield rules.PORT_NAME.finding(
            f"app '{app}' sets both `port` and `ports`; write `ports.<name>` only (`port` "
            "is the shorthand for one port named http)",
            where(doc, app, env, "port"),
        )
    if "servicePort" in values and "ports" in values:
        yield rules.PORT_NAME.finding(
            f"app '{app}' sets `servicePort` beside `ports`; give each port its own "
            "`ports.<name>.servicePort`",
            where(doc, app, env, "servicePort"),
        )
    seen: dict[str, tuple[str, ...]] = {}
    for owner, spec in _containers(values):
        for name in spec.get("ports") or {}:
            position = declared(doc, app, env, *owner, "ports", name)
            problem = port_name_problem(str(name))
            if problem:
                yield rules.PORT_NAME.finding(problem, position)
            elif name in seen:
                yield rules.PORT_NAME.finding(
                    f"port name '{name}' is used twice in the pod of app '{app}' (also by "
                    f"{_who(seen[name])}); rename one",
                    position,
                )
            seen.setdefault(str(name), owner)


def _who(owner: tuple[str, ...]) -> str:
    if not owner:
        return "the app's own container"
    return f"{'sidecar' if owner[0] == 'sidecars' else 'init container'} '{owner[1]}'"


def _own_env(doc: Located, app: str, env: str, *fields: NodePath) -> str | None:
    """`env` when the environment itself writes one of `fields`; None when the app (or the
    defaults) writes them all, so that they clash wherever the app runs."""
    return env if in_environment(doc, app, env, *fields) else None


def _in(env: str | None) -> str:
    return f" in '{env}'" if env else ""


def check_env(doc: Located) -> Iterator[Finding]:
    for app, env, values in running(doc):
        shared = {**dict.fromkeys(values.get("config") or {}, "config")}
        shared.update(dict.fromkeys(values.get("secrets") or {}, "secrets"))
        clash = set(values.get("config") or {}) & set(values.get("secrets") or {})
        for name in sorted(clash):
            own = _own_env(doc, app, env, ("config", name), ("secrets", name))
            yield rules.ENV_CONFLICT.finding(
                f"app '{app}' defines '{name}' in both `config` and `secrets`{_in(own)}; keep one",
                where(doc, app, env, "secrets", name),
                environment=own,
            )
        for name in values.get("config") or {}:
            problem = env_name_problem(str(name), "config key", app)
            if problem:
                yield rules.ENV_CONFLICT.finding(
                    problem,
                    where(doc, app, env, "config", name),
                    environment=env,
                )
        for owner, spec in _containers(values):
            own_image = bool(owner) and "image" in spec
            for name in spec.get("env") or {}:
                at = (*owner, "env", name)
                problem = env_name_problem(str(name), "env name", app)
                if problem:
                    yield rules.ENV_CONFLICT.finding(
                        problem,
                        where(doc, app, env, *at),
                        environment=env,
                    )
                elif name in shared and not own_image:
                    own = _own_env(doc, app, env, at, (shared[name], name))
                    yield rules.ENV_CONFLICT.finding(
                        f"app '{app}' defines '{name}' in the `env` of {_who(owner)} and in "
                        f"`{shared[name]}`{_in(own)}; keep one (env holds references, config "
                        "settings, secrets store keys)",
                        where(doc, app, env, *at),
                        environment=own,
                    )


def _volume_problem(app: str, path: str, spec: dict[str, Any]) -> str | None:
    if not path.startswith("/") or path.rstrip("/") == "":
        return f"mount path '{path}' of app '{app}' must be an absolute path below '/'"
    types = [t for t in VOLUME_TYPES if t in spec]
    if any(k in spec for k in PERSISTENT_FIELDS):
        types.append("persistent")
    if len(types) > 1:
        return (
            f"volume at {path} of app '{app}' is {' and '.join(types)}; keep one: a volume is "
            "persistent (size, storageClass, accessModes), emptyDir, configMap or secret (an "
            "environment cannot change a volume's type)"
        )
    return None


def check_volumes(doc: Located) -> Iterator[Finding]:
    reported: set[tuple[str, ...]] = set()
    for app, env, values in running(doc):
        names: dict[str, str] = {}
        for owner, spec in _containers(values):
            for path, volume in (spec.get("volumes") or {}).items():
                problem = _volume_problem(app, str(path), volume or {})
                name = (volume or {}).get("name") or volume_name(str(path))
                at = (*owner, "volumes", path)
                position = where(doc, app, env, *at)
                key = (app, str(position))
                if problem is None and name in names and names[name] != path:
                    problem = (
                        f"volumes at {names[name]} and {path} of app '{app}' are both named "
                        f"'{name}'; give one a `name`"
                    )
                names.setdefault(name, str(path))
                if problem and key not in reported:
                    reported.add(key)
                    yield rules.VOLUME.finding(problem, position)


def check_containers(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    reported: set[Position] = set()
    for app, env, values in _value_sets(doc):
        seen = {app: "the app's own container"}
        for owner, _ in list(_containers(values))[1:]:
            name = owner[1]
            position = declared(doc, app, env, *owner)
            problem = None
            if not is_dns_label(str(name)):
                problem = (
                    f"container name '{name}' of app '{app}' is not a DNS-1123 label; use "
                    "lower-case letters, digits and '-'"
                )
            elif name in seen:
                problem = (
                    f"container name '{name}' of app '{app}' is taken by {seen[name]}; rename it"
                )
            seen.setdefault(str(name), _who(owner))
            if problem and position not in reported:
                reported.add(position)
                yield rules.CONTAINER.finding(problem, position)
    for app, env, values in running(doc):
        policy = environments[env].get("imagePolicy", "tag")
        for owner, spec in list(_containers(values))[1:]:
            yield from _container_version(doc, app, env, owner, spec, policy)


def _container_version(
    doc: Located, app: str, env: str, owner: tuple[str, ...], spec: dict[str, Any], policy: str
) -> Iterator[Finding]:
    what = f"{_who(owner)} of app '{app}'"
    version = spec.get("version")
    if "image" not in spec:
        if version is not None:
            yield rules.CONTAINER.finding(
                f"{what} runs the app's image at the app's version; remove its `version` (or "
                "give it an `image`)",
                where(doc, app, env, *owner, "version"),
                environment=env,
            )
        return
    if version is None:
        yield rules.VERSION_REQUIRED.finding(
            f"{what} has its own image and no version in '{env}'; set "
            f"`environments.{env}.{owner[0]}.{owner[1]}.version`",
            doc.position(("apps", app, "environments", env), key=True),
            environment=env,
        )
        return
    found = version_finding(version, policy, what, env, where(doc, app, env, *owner, "version"))
    if found:
        yield found


def check_labels(doc: Located) -> Iterator[Finding]:
    for app, env, values in running(doc):
        for label in (values.get("labels") or {}).get("pod") or {}:
            if label in OWNED_LABELS:
                yield rules.LABEL.finding(
                    f"`labels.pod` of app '{app}' sets '{label}', which gitopsgen owns; remove it",
                    where(doc, app, env, "labels", "pod", label),
                    environment=env,
                )


def _egress_problem(rule: dict[str, Any]) -> str | None:
    if ("cidr" in rule) == ("namespace" in rule):
        return "an egress rule names exactly one of `cidr` and `namespace`"
    if "cidr" not in rule:
        if "except" in rule:
            return "`except` belongs to a `cidr` rule"
        return None
    if "podSelector" in rule:
        return "`podSelector` belongs to a `namespace` rule"
    try:
        block = ipaddress.ip_network(rule["cidr"], strict=True)
        for excluded in rule.get("except") or []:
            if not ipaddress.ip_network(excluded, strict=True).subnet_of(block):  # type: ignore[arg-type]
                return f"except '{excluded}' is not inside {rule['cidr']}"
    except (ValueError, TypeError) as error:
        return f"{error}; write a network such as 10.0.0.0/8"
    return None


def check_egress(doc: Located) -> Iterator[Finding]:
    reported: set[str] = set()
    for app, env, values in running(doc):
        for index, rule in enumerate(values.get("egress") or []):
            problem = _egress_problem(rule)
            position = where(doc, app, env, "egress", index)
            if problem and str(position) not in reported:
                reported.add(str(position))
                yield rules.EGRESS.finding(
                    f"egress rule {index + 1} of app '{app}': {problem}", position
                )

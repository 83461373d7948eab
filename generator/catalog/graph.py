"""Checks across apps and environments: dependency order, hosts, generated names."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog import names, rules
from generator.catalog.checks import _section
from generator.finding import Finding
from generator.yamlio import Located


def _enabled(spec: dict[str, Any], env: str) -> bool:
    return bool(spec["environments"].get(env, {}).get("enabled", True))


def check_cycles(doc: Located) -> Iterator[Finding]:
    apps = _section(doc, "apps")
    graph = {app: [d for d in spec.get("dependsOn", []) if d in apps] for app, spec in apps.items()}
    in_cycle: set[str] = set()
    for start in sorted(graph):
        if start in in_cycle:
            continue
        # Depth-first from `start` through not-yet-reported apps; each app is visited once.
        parent: dict[str, str] = {}
        stack = [start]
        found = None
        while stack and found is None:
            node = stack.pop()
            for dep in sorted(graph[node], reverse=True):
                if dep == start:
                    found = node
                    break
                if dep not in parent and dep not in in_cycle:
                    parent[dep] = node
                    stack.append(dep)
        if found is None:
            continue
        trail = [found]
        while trail[-1] != start:
            trail.append(parent[trail[-1]])
        trail.reverse()
        in_cycle.update(trail)
        loop = " -> ".join([*trail, start])
        yield rules.DEPENDENCY_CYCLE.finding(
            f"dependsOn forms a cycle: {loop}; remove one of these dependencies",
            doc.position(("apps", start, "dependsOn"), key=True),
        )


def check_dependencies_enabled(doc: Located) -> Iterator[Finding]:
    apps = _section(doc, "apps")
    for env in _section(doc, "environments"):
        for app, spec in apps.items():
            if not _enabled(spec, env):
                continue
            for i, dep in enumerate(spec.get("dependsOn", [])):
                if dep in apps and not _enabled(apps[dep], env):
                    yield rules.DEPENDENCY_DISABLED.finding(
                        f"app '{app}' runs in '{env}' but depends on '{dep}', which is disabled "
                        f"there; enable '{dep}' in '{env}' or disable '{app}' there",
                        doc.position(("apps", app, "dependsOn", i)),
                        environment=env,
                    )


def host_template(doc: Located, app: str, env: str) -> tuple[str | None, tuple[Any, ...]]:
    """The host template for (app, env) and where it is written."""
    spec = _section(doc, "apps")[app]
    if "host" in spec.get("ingress", {}):
        return spec["ingress"]["host"], ("apps", app, "ingress", "host")
    environment = _section(doc, "environments").get(env, {})
    return environment.get("host"), ("environments", env, "host")


def check_hosts(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    for at in [("environments", e, "host") for e in environments] + [
        ("apps", a, "ingress", "host") for a in _section(doc, "apps")
    ]:
        value: Any = doc.data
        for part in at:
            value = value.get(part) if isinstance(value, dict) else None
        problem = names.template_problem(value) if isinstance(value, str) else None
        if problem:
            yield rules.HOST_TEMPLATE.finding(
                f"host template '{value}' has {problem}", doc.position(at)
            )
    seen: dict[tuple[str, str, str], tuple[str, str]] = {}
    for app, spec in sorted(_section(doc, "apps").items()):
        if "ingress" not in spec:
            continue
        for env in environments:
            if not _enabled(spec, env):
                continue
            template, at = host_template(doc, app, env)
            if template is None:
                yield rules.HOST_TEMPLATE.finding(
                    f"app '{app}' has an ingress but no host in '{env}'; set "
                    f"`environments.{env}.host` or `apps.{app}.ingress.host`",
                    doc.position(("apps", app, "ingress"), key=True),
                    environment=env,
                )
                continue
            if names.template_problem(template):
                continue
            host = names.resolve_host(template, app, env)
            if not names.is_dns_name(host):
                yield rules.HOST_TEMPLATE.finding(
                    f"host '{host}' of app '{app}' in '{env}' is not a valid DNS name; use "
                    "lower-case letters, digits, '-' and '.'",
                    doc.position(at),
                    environment=env,
                )
                continue
            ingress = spec["ingress"]
            paths = ingress.get("paths") or [ingress.get("path", "/")]
            for path in paths:
                key = (environments[env]["cluster"], host, path)
                if key in seen:
                    other_app, other_env = seen[key]
                    yield rules.DUPLICATE_HOST.finding(
                        f"app '{app}' in '{env}' and app '{other_app}' in '{other_env}' both "
                        f"serve {host}{path} on cluster '{key[0]}'; give one of them another "
                        "host or path",
                        doc.position(at),
                        environment=env,
                    )
                    break
                seen[key] = (app, env)


def check_name_collisions(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    generated: dict[tuple[str, str], str] = {}

    def claim(name: str, what: str, at: tuple[Any, ...]) -> Iterator[Finding]:
        kind = "project" if "project" in what else "application"
        if (kind, name) in generated:
            other = generated[(kind, name)]
            renamed = "add-on" if "add-on" in what + other else "app"
            yield rules.NAME_COLLISION.finding(
                f"{what} and {other} would both be named '{name}' in Argo CD; rename the "
                f"{renamed} or the environment",
                doc.position(at, key=True),
            )
        else:
            generated[(kind, name)] = what

    for env in environments:
        yield from claim(
            names.app_project_name(env),
            f"the project of environment '{env}'",
            ("environments", env),
        )
        yield from claim(
            names.guardrails_project_name(env),
            f"the guardrails project of '{env}'",
            ("environments", env),
        )
        yield from claim(
            names.guardrails_application_name(env),
            f"the guardrails application of '{env}'",
            ("environments", env),
        )
    for cluster in _section(doc, "clusters"):
        # A root is an Application and the AppProject it syncs under, both named root-<cluster>.
        for what in (
            f"the root of cluster '{cluster}'",
            f"the root project of cluster '{cluster}'",
        ):
            yield from claim(names.root_name(cluster), what, ("clusters", cluster))
    for cluster, spec in _section(doc, "clusters").items():
        addons = spec.get("addons") or {}
        if addons:
            yield from claim(
                names.addons_project_name(cluster),
                f"the add-ons project of cluster '{cluster}'",
                ("clusters", cluster, "addons"),
            )
        for addon in addons:
            yield from claim(
                names.addon_application_name(cluster, addon),
                f"add-on '{addon}' of cluster '{cluster}'",
                ("clusters", cluster, "addons", addon),
            )
    for app, spec in sorted(_section(doc, "apps").items()):
        for env in spec["environments"]:
            # A disabled (app, environment) has no Application, so its name is free.
            if env in environments and _enabled(spec, env):
                yield from claim(
                    names.application_name(env, app),
                    f"app '{app}' in '{env}'",
                    ("apps", app, "environments", env),
                )
    namespaces: dict[tuple[str, str], str] = {}
    for env, spec in environments.items():
        key = (spec["cluster"], spec["namespace"])
        if key in namespaces:
            yield rules.NAME_COLLISION.finding(
                f"environments '{namespaces[key]}' and '{env}' share namespace '{key[1]}' on "
                f"cluster '{key[0]}'; give each environment its own namespace",
                doc.position(("environments", env, "namespace")),
            )
        else:
            namespaces[key] = env

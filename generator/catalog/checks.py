"""Checks of a schema-valid catalog: names, references, versions, secrets.

Each check takes the located document and yields findings; `generator.catalog.graph`
holds the checks across apps and environments, `generator.catalog.workload_checks` those
of an app's merged workload values.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.names import is_dns_label, shown
from generator.catalog.versions import version_finding
from generator.finding import Finding
from generator.yamlio import Located

Check = Callable[[Located], Iterator[Finding]]
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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
            if "chart" in spec or "image" not in spec:  # chart_checks.check_chart_versions
                continue
            policy = environments[env].get("imagePolicy", "tag")
            at_version = doc.position((*at, "version"))
            found = version_finding(version, policy, f"app '{app}'", env, at_version)
            if found:
                yield found


def check_secrets(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        for name in spec.get("secrets", {}):
            if not ENV_NAME.fullmatch(str(name)):
                yield rules.SCHEMA.finding(
                    f"secret name {shown(str(name))} is not an environment variable name; use "
                    "letters, digits and '_', not starting with a digit",
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

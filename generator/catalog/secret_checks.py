"""Checks of the keys an app reads from its environment's secret store.

The ExternalSecret reads with the store's credentials, which reach every team's secrets:
the catalog decides what an app may read. A key is one key under the environment's
`secretKeyPrefix` (default `{team}/`; placeholders {team} and {app}).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import shown
from generator.catalog.values import running, written
from generator.finding import Finding
from generator.manifest import NodePath
from generator.yamlio import Located

DEFAULT_SECRET_PREFIX = "{team}/"
PREFIX_PLACEHOLDERS = ("{team}", "{app}")


def key_problem(key: str) -> str | None:
    """Why `key` is not one key of a store, or None."""
    if "*" in key:
        return "holds '*'; name one key, not a pattern"
    if ".." in key:
        return "holds '..'; name the key itself"
    if key.startswith("/"):
        return "starts with '/'; write the key as the store names it below its root"
    if "//" in key or key.endswith("/"):
        return "has an empty segment ('//' or a trailing '/'); name one key"
    if any(ch.isspace() or not ch.isprintable() for ch in key):
        return "holds whitespace or a control character"
    return None


def resolve_prefix(prefix: str, team: str, app: str) -> str:
    return prefix.replace("{team}", team).replace("{app}", app)


def _prefix(doc: Located, env: str) -> str:
    return str(_section(doc, "environments")[env].get("secretKeyPrefix", DEFAULT_SECRET_PREFIX))


def _joined(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_secret_prefixes(doc: Located) -> Iterator[Finding]:
    for env, spec in _section(doc, "environments").items():
        prefix = spec.get("secretKeyPrefix")
        if prefix is None:
            continue
        rest = prefix
        for placeholder in PREFIX_PLACEHOLDERS:
            rest = rest.replace(placeholder, "x")
        if "{" in rest or "}" in rest:
            problem: str | None = "has a placeholder other than {team} and {app}, or a lone brace"
        elif not prefix.endswith("/"):
            problem = (
                "does not end with '/': the prefix of team 'shop' would also take the keys "
                "of a team 'shopping'"
            )
        else:
            problem = key_problem(rest + "key")
        if problem:
            yield rules.SECRET_KEY.finding(
                f"secretKeyPrefix {shown(prefix)} of environment '{env}' {problem}; write a "
                "prefix such as '{team}/' or 'prod/{team}/{app}/'",
                doc.position(("environments", env, "secretKeyPrefix")),
                environment=env,
            )


def _at(doc: Located, app: str, name: str) -> NodePath:
    return written(doc, app, None, "secrets", name, "key") or ("apps", app)


def check_secret_keys(doc: Located) -> Iterator[Finding]:
    apps = _section(doc, "apps")
    refused: set[NodePath] = set()
    # (app, secret, where its key is written) -> resolved prefix -> environments it is outside
    outside: dict[tuple[str, str, NodePath], dict[str, list[str]]] = {}
    keys: dict[NodePath, str] = {}
    for app, env, values in running(doc):
        team = str(apps[app]["team"])
        secrets: dict[str, Any] = values.get("secrets") or {}
        for name, ref in secrets.items():
            key, at = str(ref["key"]), _at(doc, app, name)
            keys[at] = key
            problem = key_problem(key)
            if problem:
                if at not in refused:
                    refused.add(at)
                    yield rules.SECRET_KEY.finding(
                        f"store key {shown(key)} of secret '{name}' of app '{app}' {problem}",
                        doc.position(at),
                    )
                continue
            if team not in _section(doc, "teams"):  # catalog-unknown-reference says so
                continue
            prefix = resolve_prefix(_prefix(doc, env), team, app)
            if not key.startswith(prefix):
                outside.setdefault((app, name, at), {}).setdefault(prefix, []).append(env)
    for (app, name, at), prefixes in outside.items():
        first = next(iter(prefixes))
        if len(prefixes) == 1:
            where = f"'{first}', the key prefix of " + _joined([f"'{e}'" for e in prefixes[first]])
        else:
            where = "the key prefixes of " + _joined(
                [f"'{e}' ('{p}')" for p, envs in prefixes.items() for e in envs]
            )
        yield rules.SECRET_KEY.finding(
            f"store key {shown(keys[at])} of secret '{name}' of app '{app}' (team "
            f"'{apps[app]['team']}') is outside {where}; name a key under '{first}', or set the "
            "environment's `secretKeyPrefix` (default '{team}/')",
            doc.position(at),
        )

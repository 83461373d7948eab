"""An app's values as the model merges them (defaults < app < environment), and where a merged
field was written, for checks that report at the line that decides."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog.build import merge
from generator.catalog.checks import _section
from generator.finding import Position
from generator.manifest import NodePath
from generator.yamlio import Located


def app_values(doc: Located, app: str) -> dict[str, Any]:
    spec = _section(doc, "apps")[app]
    own = {k: v for k, v in spec.items() if k != "environments"}
    merged: dict[str, Any] = merge(_section(doc, "defaults"), own)
    return merged


def env_values(doc: Located, app: str, env: str) -> dict[str, Any]:
    spec = _section(doc, "apps")[app]
    merged: dict[str, Any] = merge(app_values(doc, app), spec["environments"].get(env) or {})
    return merged


def running(doc: Located) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(app, environment, merged values) of every enabled pair, in catalog order."""
    environments = _section(doc, "environments")
    for app, spec in _section(doc, "apps").items():
        for env, values in spec["environments"].items():
            if env in environments and (values or {}).get("enabled", True) is not False:
                yield app, env, env_values(doc, app, env)


def written(doc: Located, app: str, env: str | None, *field: Any) -> NodePath | None:
    """The most specific place that writes `field`: the environment's, the app's, the
    defaults'; None if none does."""
    bases: list[NodePath] = [("apps", app), ("defaults",)]
    if env is not None:
        bases.insert(0, ("apps", app, "environments", env))
    for base in bases:
        at = (*base, *field)
        if at in doc.keys or at in doc.values:
            return at
    return None


def in_environment(doc: Located, app: str, env: str, *fields: NodePath) -> bool:
    """Whether the environment itself writes one of `fields`; else each comes from the app or
    the defaults, the same wherever the app runs."""
    at_env = ("apps", app, "environments", env)
    return any((written(doc, app, env, *field) or ())[:4] == at_env for field in fields)


def where(doc: Located, app: str, env: str | None, *field: Any) -> Position:
    """Where `field` is written (see `written`), else the app's key."""
    at = written(doc, app, env, *field)
    if at is None:
        return doc.position(("apps", app), key=True)
    return doc.position(at, key=at in doc.keys)


def declared(doc: Located, app: str, env: str | None, *field: Any) -> Position:
    """Where `field` is first declared: at the app (or in the defaults) if it is written there,
    else in the environment."""
    if written(doc, app, None, *field) is not None:
        return where(doc, app, None, *field)
    return where(doc, app, env, *field)

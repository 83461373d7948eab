"""Checks of `environments.<env>.promotesFrom`: the promotion DAG.

Each entry names an environment listed before `<env>` (the list of environments is the
promotion order), once. A later environment is reported with the cycle it closes, when it
closes one through the other environments' sources (their `promotesFrom`, or by default the
environment before each).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.checks import _section
from generator.finding import Finding
from generator.yamlio import Located


def _sources(environments: dict[str, Any]) -> dict[str, list[str]]:
    """env -> the environments it promotes from as written (or by default), known ones only."""
    order = list(environments)
    found: dict[str, list[str]] = {}
    for i, env in enumerate(order):
        written = environments[env].get("promotesFrom")
        if isinstance(written, list):
            found[env] = [s for s in written if s in environments and s != env]
        else:
            found[env] = [order[i - 1]] if i else []
    return found


def _path(sources: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
    """A chain start -> ... -> goal, each promoting from the next; None when there is none."""
    parent: dict[str, str] = {}
    todo = [start]
    seen = {start}
    while todo:
        node = todo.pop(0)
        if node == goal:
            chain = [node]
            while chain[-1] != start:
                chain.append(parent[chain[-1]])
            return list(reversed(chain))
        for source in sources[node]:
            if source not in seen:
                seen.add(source)
                parent[source] = node
                todo.append(source)
    return None


def _earlier(order: list[str], env: str) -> str:
    """What the environment may promote from instead."""
    before = order[: order.index(env)]
    if not before:
        return f"remove `promotesFrom` ('{env}' is the first environment)"
    return f"name only environments listed before '{env}' ({', '.join(before)})"


def _unknown(order: list[str], env: str, name: str) -> str:
    close = difflib.get_close_matches(str(name), order[: order.index(env)], n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else _earlier(order, env)
    return f"environment '{env}' promotes from '{name}', which is not an environment; {hint}"


def _later(sources: dict[str, list[str]], order: list[str], env: str, name: str) -> str:
    chain = _path(sources, name, env)
    if chain is None:
        return (
            f"environment '{env}' promotes from '{name}', which comes after it; the list of "
            f"environments is the promotion order: move '{name}' above '{env}', or "
            + _earlier(order, env)
        )
    cycle = " -> ".join([*reversed(chain), env])
    return (
        f"environment '{env}' promotes from '{name}', which comes after it and closes the cycle "
        f"{cycle} (each promotes into the next): a cycle has no first environment; "
        + _earlier(order, env)
    )


def check_promotes_from(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    order = list(environments)
    sources = _sources(environments)
    for env in order:
        written = environments[env].get("promotesFrom")
        seen: set[str] = set()
        for i, name in enumerate(written if isinstance(written, list) else []):
            at = doc.position(("environments", env, "promotesFrom", i))
            if name not in environments:
                yield rules.UNKNOWN_REFERENCE.finding(_unknown(order, env, name), at)
            elif name in seen:
                yield rules.PROMOTES_FROM.finding(
                    f"environment '{env}' names '{name}' twice in `promotesFrom`; keep one", at
                )
            elif name == env:
                yield rules.PROMOTES_FROM.finding(
                    f"environment '{env}' promotes from itself; {_earlier(order, env)}", at
                )
            elif order.index(name) > order.index(env):
                yield rules.PROMOTES_FROM.finding(_later(sources, order, env, name), at)
            seen.add(name)

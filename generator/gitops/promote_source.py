"""Where `promote` takes its versions from: the target's one source in promotion order
(`promotesFrom`, by default the environment before it), or `--from`; and why a source that
the target does not promote from skips the order. Pure: the catalog model only.
"""

from __future__ import annotations

import difflib

from generator.catalog.model import Catalog, Environment
from generator.catalog.promotion_order import is_linear, names, sources
from generator.errors import UsageError
from generator.finding import Position
from generator.manifest import NodePath


def unknown(what: str, name: str, known: list[str]) -> UsageError:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"known {what}s: {', '.join(known)}"
    return UsageError(f"unknown {what} '{name}'; {hint}")


def environment(catalog: Catalog, name: str) -> Environment:
    for env in catalog.environments:
        if env.name == name:
            return env
    raise unknown("environment", name, [e.name for e in catalog.environments])


def position(catalog: Catalog, at: NodePath) -> Position:
    for end in range(len(at), 0, -1):
        if at[:end] in catalog.positions:
            line, column = catalog.positions[at[:end]]
            return Position(catalog.path, line, column)
    return Position(catalog.path)


def choose_source(catalog: Catalog, target: Environment, name: str | None) -> Environment:
    """The environment to take versions from: `name` (--from), else the target's one source."""
    if name is not None:
        source = environment(catalog, name)
        if source.name == target.name:
            raise UsageError(f"--from and --to both name '{target.name}'; name two environments")
        return source
    found = sources(catalog, target)
    if len(found) == 1:
        return found[0]
    where = position(catalog, ("environments", target.name, "promotesFrom"))
    if found:
        raise UsageError(
            f"'{target.name}' promotes from {names(found)}; pass --from naming the one to "
            f"take the versions from (e.g. --from {found[0].name})",
            where,
        )
    if target.index == 0:
        raise UsageError(
            f"'{target.name}' is the first environment in promotion order: there is nothing "
            "to promote from; pass --from ENV"
        )
    raise UsageError(
        f"'{target.name}' promotes from no environment (promotesFrom: []): there is nothing "
        "to promote from; pass --from ENV",
        where,
    )


def skips(catalog: Catalog, source: Environment, target: Environment) -> UsageError:
    """Why taking versions from `source`, which `target` does not promote from, skips."""
    at = position(catalog, ("environments", target.name))
    if is_linear(catalog):
        order = " -> ".join(e.name for e in catalog.environments)
        return UsageError(
            f"{source.name} is not directly before {target.name} in promotion order "
            f"({order}); promote through each environment in turn, or pass --force",
            at,
        )
    found = sources(catalog, target)
    if not found:
        return UsageError(
            f"{target.name} promotes from no environment (promotesFrom: []), so any source "
            "skips the promotion order; pass --force to take the versions from "
            f"{source.name}",
            at,
        )
    return UsageError(
        f"{source.name} is not a source of {target.name} in promotion order ({target.name} "
        f"promotes from {names(found)}); take the versions from "
        + (found[0].name if len(found) == 1 else "one of them")
        + ", or pass --force",
        at,
    )

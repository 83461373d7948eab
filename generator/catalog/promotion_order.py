"""The promotion order of a catalog's environments: a DAG whose edges are `promotesFrom`.

Every environment names the environments a version must have run in before it
(`environments.<env>.promotesFrom`; by default the one before it in the list, none for the
first). The catalog's checks make every source an environment listed earlier, so the
order of `environments` is always a topological order of the DAG and a walk towards the
sources ends.
"""

from __future__ import annotations

from generator.catalog.model import App, Catalog, Environment


def sources(catalog: Catalog, env: Environment) -> tuple[Environment, ...]:
    """The environments `env` promotes from, in catalog order."""
    return tuple(e for e in catalog.environments if e.name in env.promotes_from)


def is_linear(catalog: Catalog) -> bool:
    """Whether each environment promotes from exactly the one before it (the default)."""
    return all(
        env.promotes_from == ((catalog.environments[i - 1].name,) if i else ())
        for i, env in enumerate(catalog.environments)
    )


def _ends(found: list[Environment], has_source: set[str]) -> tuple[Environment, ...]:
    """`found` without the environments that promote from none either (an isolated entry
    point, such as a sandbox, ends no promotion), unless that leaves nothing."""
    chained = [e for e in found if e.name in has_source]
    return tuple(chained or found)


def final_environments(catalog: Catalog) -> tuple[Environment, ...]:
    """The ends of the promotion order, in catalog order: the environments no other one
    promotes from (the last one of a straight line; prod-eu and prod-us of two branches),
    not counting an isolated entry point (`promotesFrom: []` and no environment after it)."""
    used = {name for env in catalog.environments for name in env.promotes_from}
    has_source = {e.name for e in catalog.environments if e.promotes_from}
    return _ends([e for e in catalog.environments if e.name not in used], has_source)


def app_sources(catalog: Catalog, app: App, env: Environment) -> tuple[Environment, ...]:
    """The environments a version of `app` must have run in before `env`: its sources where
    the app is enabled; in place of a source where it is disabled, that source's own, in
    turn. Empty where the app starts (no enabled environment upstream)."""
    found: set[str] = set()
    seen: set[str] = set()
    todo = list(env.promotes_from)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if app.deployment(name).enabled:
            found.add(name)
        else:
            todo.extend(catalog.environment(name).promotes_from)
    return tuple(e for e in catalog.environments if e.name in found)


def app_final_environments(catalog: Catalog, app: App) -> tuple[Environment, ...]:
    """The environments `app` runs in that no other environment it runs in promotes from
    (through environments where it is disabled): the end of each branch it reaches, not
    counting an isolated entry point, as for final_environments."""
    running = [catalog.environment(d.environment) for d in app.deployments if d.enabled]
    sources = {env.name: app_sources(catalog, app, env) for env in running}
    used = {s.name for found in sources.values() for s in found}
    has_source = {name for name, found in sources.items() if found}
    return _ends([e for e in running if e.name not in used], has_source)


def names(
    envs: tuple[Environment, ...] | list[Environment], word: str = "and", quote: bool = True
) -> str:
    """`'a'`, `'a' and 'b'`, `'a', 'b' and 'c'` (or with `or`; without quotes)."""
    quoted = [f"'{e.name}'" if quote else e.name for e in envs]
    if len(quoted) < 2:
        return "".join(quoted)
    return f"{', '.join(quoted[:-1])} {word} {quoted[-1]}"

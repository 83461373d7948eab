"""`.github/CODEOWNERS` from the catalog: who must approve changes to each environment.

GitHub asks for a review by one owner of the last line that matches a changed path. A
change to an environment's overlays, Argo CD Applications or AppProject needs a review by
the teams with `admin` access to that environment. What reaches every environment, or
decides what Argo CD syncs at all, belongs to the admins of the last environment in
promotion order (prod): `base/` (each app's base reaches every environment the app runs
in; the base of an app that does not run there belongs to the admins of the last
environment it runs in), `argocd/root/` and anything else under the generated folders,
the catalog itself and this file. The app's team is not an owner of its base: GitHub
takes an approval from any one owner of a line, so the team could approve a change to
prod alone. Only teams that name GitHub owners (`teams.<team>.github`) take part; a line
whose admins name none is left out (GitHub then needs no owner review there).

When the promotion order is a DAG (`promotesFrom`) it has several last environments, the
ones no environment promotes from (prod-eu and prod-us; an isolated entry point, such as a
sandbox with `promotesFrom: []`, ends no promotion): what they share needs a team that
is admin of every one of them, since one approval suffices. Where no team is, the line
lists the admins of each (any one of them approves alone, which the file says). An app's
base likewise belongs to the admins of every last environment the app runs in.
A hand-owned value file of a chart app or an add-on reaches every environment that reads
it at once: it belongs to the admins of the last ones that read it.
"""

from __future__ import annotations

from generator.catalog.model import Catalog, Environment
from generator.catalog.promotion_order import app_final_environments, final_environments, names
from generator.constants import (
    APPS_DIR,
    ARGOCD_DIR,
    BASE_DIR,
    CODEOWNERS_FILE,
    OVERLAYS_DIR,
    PROJECTS_DIR,
    header,
)


def has_owners(catalog: Catalog) -> bool:
    return any(team.github for team in catalog.teams)


def _escape(path: str) -> str:
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#")


def _admins(catalog: Catalog, env: Environment) -> list[str]:
    owners: dict[str, None] = {}
    for team in catalog.teams:  # sorted by name: the same catalog gives the same bytes
        if env.access.get(team.name) == "admin":
            owners.update(dict.fromkeys(team.github))
    return list(owners)


def _owners(catalog: Catalog, ends: tuple[Environment, ...]) -> list[str]:
    """Who may approve alone what reaches every environment of `ends`: the owners of the
    teams admin of each of them; when no team is, the admins of any of them."""
    each = [_admins(catalog, env) for env in ends]
    if not each:
        return []
    every = [owner for owner in each[0] if all(owner in found for found in each[1:])]
    if every:
        return every
    return list(dict.fromkeys(owner for found in each for owner in found))


def _who(catalog: Catalog, ends: tuple[Environment, ...]) -> str:
    """Whose line it is: `prod admins`, or what the owners of several last environments are."""
    if len(ends) == 1:
        return f"{ends[0].name} admins"
    each = [_admins(catalog, env) for env in ends]
    if any(all(owner in found for found in each[1:]) for owner in each[0]):
        return f"admins of every one of {names(ends, quote=False)}"
    return (
        f"no team is admin of every one of {names(ends, quote=False)}: the admins of each, "
        "any one of whom approves alone"
    )


def _upstream(catalog: Catalog, env: Environment) -> set[str]:
    """Every environment a version passes through before `env`."""
    found: set[str] = set()
    todo = list(env.promotes_from)
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend(catalog.environment(name).promotes_from)
    return found


def _value_file_lines(catalog: Catalog, shared: list[str]) -> list[str]:
    """Value files are read at the repository's revision by every environment that names
    them: a change reaches them all at once, so it belongs to the admins of the last ones
    that read it (those no other reader comes after in promotion order; an add-on's: the
    last environments on its cluster, else the shared owners)."""
    readers: dict[str, list[Environment]] = {}
    for env in catalog.environments:
        for app in catalog.apps:
            deployment = app.deployment(env.name)
            if app.chart is not None and deployment.enabled:
                for path in deployment.values.value_files:
                    readers.setdefault(path, []).append(env)
    for cluster in catalog.clusters:
        on_cluster = [e for e in catalog.environments if e.cluster == cluster.name]
        for addon in cluster.addons:
            for path in addon.value_files:
                readers.setdefault(path, []).extend(on_cluster)
    lines: list[str] = []
    for path, envs in sorted(readers.items()):
        before = {name for env in envs for name in _upstream(catalog, env)}
        ends = tuple({e.name: e for e in envs if e.name not in before}.values())  # unhashable
        owners = _owners(catalog, ends) if ends else shared
        if owners:
            lines.append(f"/{_escape(path.strip('/'))} {' '.join(owners)}")
    return lines


def render_codeowners(catalog: Catalog) -> str:
    """The whole CODEOWNERS file; later lines win in GitHub, so the shared folders come first
    and the catalog last."""
    ends = final_environments(catalog)
    listed = names(ends, quote=False)
    shared = _owners(catalog, ends)
    last = "the last environment" if len(ends) == 1 else f"every last environment ({listed})"
    lines = [
        header(catalog.path).rstrip("\n"),
        "# Changes to an environment need a review by the teams with admin access to it; what",
        "# every environment shares (base/, argocd/root/, the catalog, this file) needs the",
        f"# admins of {last} in promotion order.",
        "",
    ]
    if shared:
        who = " ".join(shared)
        lines += [f"# shared ({_who(catalog, ends)})"]
        lines += [f"/{folder}/ {who}" for folder in (BASE_DIR, OVERLAYS_DIR, ARGOCD_DIR)]
    else:
        listed_or = names(ends, "or", quote=False)
        lines += [f"# shared: no team with admin access to {listed_or} names GitHub owners"]
    for env in catalog.environments:
        owners = _admins(catalog, env)
        if not owners:
            lines += ["", f"# {env.name}: no team with admin access names GitHub owners"]
            continue
        who = " ".join(owners)
        lines += [
            "",
            f"# {env.name}",
            f"/{OVERLAYS_DIR}/{_escape(env.name)}/ {who}",
            f"/{APPS_DIR}/{_escape(env.name)}/ {who}",
            f"/{PROJECTS_DIR}/{_escape(env.name)}.yaml {who}",
        ]
    bases = []
    for app in catalog.apps:
        owners = _owners(catalog, app_final_environments(catalog, app))
        if owners and owners != shared:
            bases.append(f"/{BASE_DIR}/{app.name}/ {' '.join(owners)}")
    if bases:
        every, each = (
            ("", "the admins of the last environment of each")
            if len(ends) == 1
            else ("every one of ", "the admins of every last environment each runs in")
        )
        lines += ["", f"# base/ of apps not in {every}{listed}: {each}"]
        lines += bases
    files = _value_file_lines(catalog, shared)
    if files:
        lines += ["", "# value files: the admins of the last environment that reads each"]
        lines += files
    if shared:
        lines += ["", f"# the catalog and this file ({_who(catalog, ends)})"]
        if not catalog.path.startswith(("/", "../")):
            lines += [f"/{_escape(catalog.path)} {' '.join(shared)}"]
        lines += [f"/{CODEOWNERS_FILE} {' '.join(shared)}"]
    return "\n".join(lines) + "\n"

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
prod alone. A hand-owned value file of a chart app or an add-on reaches every environment
that reads it at once: it belongs to the admins of the last one. Only teams that name
GitHub owners (`teams.<team>.github`) take part; a line whose admins name none is left out
(GitHub then needs no owner review there).
"""

from __future__ import annotations

from generator.catalog.model import App, Catalog, Environment
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


def _last_run(app: App, catalog: Catalog) -> Environment | None:
    """The last environment in promotion order the app runs in."""
    running = [d.environment for d in app.deployments if d.enabled]
    return catalog.environment(running[-1]) if running else None


def _value_file_lines(catalog: Catalog, shared: list[str]) -> list[str]:
    """Value files are read at the repository's revision by every environment that names
    them: a change reaches them all at once, so it belongs to the admins of the last one (an
    add-on's: of the last environment on its cluster, else the shared owners)."""
    readers: dict[str, Environment | None] = {}
    for env in catalog.environments:  # promotion order: the last reader wins
        for app in catalog.apps:
            deployment = app.deployment(env.name)
            if app.chart is not None and deployment.enabled:
                readers.update(dict.fromkeys(deployment.values.value_files, env))
    for cluster in catalog.clusters:
        on_cluster = [e for e in catalog.environments if e.cluster == cluster.name]
        for addon in cluster.addons:
            for path in addon.value_files:
                readers.setdefault(path, on_cluster[-1] if on_cluster else None)
    lines: list[str] = []
    for path, reader in sorted(readers.items()):
        owners = _admins(catalog, reader) if reader is not None else shared
        if owners:
            lines.append(f"/{_escape(path.strip('/'))} {' '.join(owners)}")
    return lines


def render_codeowners(catalog: Catalog) -> str:
    """The whole CODEOWNERS file; later lines win in GitHub, so the shared folders come first
    and the catalog last."""
    last = catalog.environments[-1]
    shared = _admins(catalog, last)
    lines = [
        header(catalog.path).rstrip("\n"),
        "# Changes to an environment need a review by the teams with admin access to it; what",
        "# every environment shares (base/, argocd/root/, the catalog, this file) needs the",
        "# admins of the last environment in promotion order.",
        "",
    ]
    if shared:
        who = " ".join(shared)
        lines += [f"# shared ({last.name} admins)"]
        lines += [f"/{folder}/ {who}" for folder in (BASE_DIR, OVERLAYS_DIR, ARGOCD_DIR)]
    else:
        lines += [f"# shared: no team with admin access to {last.name} names GitHub owners"]
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
        final = _last_run(app, catalog)
        owners = _admins(catalog, final) if final is not None else []
        if owners and owners != shared:
            bases.append(f"/{BASE_DIR}/{app.name}/ {' '.join(owners)}")
    if bases:
        lines += [
            "",
            f"# base/ of apps not in {last.name}: the admins of the last environment of each",
        ]
        lines += bases
    files = _value_file_lines(catalog, shared)
    if files:
        lines += ["", "# value files: the admins of the last environment that reads each"]
        lines += files
    if shared:
        lines += ["", f"# the catalog and this file ({last.name} admins)"]
        if not catalog.path.startswith(("/", "../")):
            lines += [f"/{_escape(catalog.path)} {' '.join(shared)}"]
        lines += [f"/{CODEOWNERS_FILE} {' '.join(shared)}"]
    return "\n".join(lines) + "\n"

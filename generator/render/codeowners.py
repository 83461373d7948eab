"""`.github/CODEOWNERS` from the catalog: who must approve changes to each environment.

A change to an environment's overlays, Argo CD Applications or AppProject needs a review
by the teams with `admin` access to that environment; the catalog itself belongs to the
admins of the last environment in promotion order (prod), since every prod value lives
there. Only teams that name GitHub owners (`teams.<team>.github`) take part; an
environment whose admins name none gets no line (GitHub then needs no owner review).
"""

from __future__ import annotations

from generator.catalog.model import Catalog, Environment
from generator.constants import APPS_DIR, OVERLAYS_DIR, PROJECTS_DIR, header


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


def render_codeowners(catalog: Catalog) -> str:
    """The whole CODEOWNERS file; later lines win in GitHub, so the catalog comes last."""
    lines = [
        header(catalog.path).rstrip("\n"),
        "# Changes to an environment need a review by the teams with admin access to it;",
        "# the catalog needs the admins of the last environment in promotion order.",
    ]
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
    last = catalog.environments[-1]
    owners = _admins(catalog, last)
    if owners and not catalog.path.startswith(("/", "../")):
        lines += [
            "",
            f"# the catalog ({last.name} admins)",
            f"/{_escape(catalog.path)} {' '.join(owners)}",
        ]
    return "\n".join(lines) + "\n"

"""The API the CLI and tests call: whole jobs over a repository, no printing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from generator.catalog.load import load_catalog
from generator.catalog.model import Catalog
from generator.constants import CATALOG_FILE
from generator.errors import FindingsError
from generator.gitops.diff import RenderedDiff, rendered_diff
from generator.gitops.promote import Promotion
from generator.gitops.promote import promote as promote_versions
from generator.gitops.promote_plan import PromoteRequest
from generator.limits import DEFAULTS, InputLimits
from generator.render import render
from generator.render.tree import Tree
from generator.writer import Plan, apply, plan


def _resolved(path: Path) -> Path:
    """`path` with symbolic links resolved; a loop of links stays as given (absolute), for the
    reader to report."""
    try:
        return path.resolve()
    except (RuntimeError, OSError):  # RuntimeError: Python before 3.13 on a loop
        return path.absolute()


@dataclass(frozen=True)
class Repository:
    root: Path
    catalog_path: Path
    limits: InputLimits = DEFAULTS  # how much YAML one file may hold

    @classmethod
    def at(
        cls,
        root: Path | None = None,
        catalog: Path | None = None,
        limits: InputLimits | None = None,
    ) -> Repository:
        base = _resolved(root or Path.cwd())
        path = _resolved(catalog) if catalog else base / CATALOG_FILE
        return cls(base, path, limits or DEFAULTS)

    @property
    def catalog_shown(self) -> str:
        """The catalog's path as findings and file headers show it: relative to the root."""
        return Path(os.path.relpath(self.catalog_path, self.root)).as_posix()


@dataclass(frozen=True)
class Generated:
    catalog: Catalog
    tree: Tree
    plan: Plan
    written: bool


def load(repo: Repository) -> Catalog:
    return load_catalog(repo.catalog_path, repo.catalog_shown, repo.root, repo.limits.catalog)


def generate(repo: Repository, write: bool = True) -> Generated:
    """Render everything in memory, then (if `write`) write what changed and remove what the
    catalog no longer produces. Any error is raised before the first byte is written."""
    catalog = load(repo)
    tree = render(catalog)
    todo, conflicts = plan(repo.root, tree)
    if conflicts:
        raise FindingsError(conflicts)
    if write and todo.drift:
        apply(repo.root, todo)
    return Generated(catalog, tree, todo, write and todo.drift)


def promote(repo: Repository, request: PromoteRequest, branch: str | None = None) -> Promotion:
    """Move versions between environments in the catalog, in place, and regenerate the tree;
    with `branch`, commit both on that new branch. Nothing is written when refused."""
    return promote_versions(
        repo.root, repo.catalog_path, repo.catalog_shown, request, branch, repo.limits.catalog
    )


def diff(repo: Repository, base: str) -> RenderedDiff:
    """What the change from git revision `base` to the working tree does to the objects
    Kustomize renders for each affected overlay, built on both sides; changes nothing."""
    return rendered_diff(repo.root, load(repo), repo.catalog_path, base)

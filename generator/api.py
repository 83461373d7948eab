"""The API the CLI and tests call: whole jobs over a repository, no printing."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.beside import beside
from generator.builds import trees
from generator.builds.cache import Cache
from generator.catalog.load import (
    catalog_from_text,
    load_catalog,
    read_text,
    rendered_findings,
)
from generator.catalog.model import Catalog
from generator.constants import CATALOG_FILE, LOCK_FILE
from generator.errors import FindingsError
from generator.finding import Finding
from generator.limits import DEFAULTS, InputLimits
from generator.render.tree import Tree
from generator.validate.cached import KeptCatalog
from generator.validate.clean import CleanMemo
from generator.writer import Plan, apply, exclusive, interrupted, pending, plan
from generator.yamlio import Located

if TYPE_CHECKING:  # imported by the jobs that use them: validate and generate start faster
    from generator.gitops.diff import RenderedDiff
    from generator.gitops.promote import Promotion, Request


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
    interrupted: bool = False  # not written: a killed run's journal waits for the next writer


def load(repo: Repository) -> Catalog:
    return load_catalog(repo.catalog_path, repo.catalog_shown, repo.root, repo.limits.catalog)


def _rendered(repo: Repository, text: str, cache: Cache | None) -> tuple[Catalog, Tree]:
    clean = CleanMemo(cache) if cache is not None else None
    memo = None if cache is None else KeptCatalog(cache, text, repo.catalog_shown)
    key = None if memo is None else memo.key
    early: list[Tree] = []  # the tree, rendered while the rules ran on its objects

    def rendered_check(renderable: Located, model: Catalog) -> list[Finding]:
        def check() -> tuple[list[Finding], int]:
            before = 0 if cache is None else cache.written
            found = rendered_findings(renderable, model, clean)
            return found, 0 if cache is None else cache.written - before

        (found, wrote), tree = beside(check, lambda: trees.whole(model, key, cache))
        if tree is not None:  # the check ran in a child: count what it kept in the cache
            early.append(tree)
            if cache is not None:
                cache.written += wrote
        return found

    catalog = catalog_from_text(
        text,
        repo.catalog_shown,
        repo.root,
        repo.limits.catalog,
        memo=memo,
        rendered_check=rendered_check,
    )
    return catalog, early[0] if early else trees.whole(catalog, key, cache)


def _plan(repo: Repository, tree: Tree) -> Plan:
    todo, conflicts = plan(repo.root, tree, (repo.catalog_path,))
    if conflicts:
        raise FindingsError(conflicts)
    return todo


def generate(repo: Repository, write: bool = True, cache: Cache | None = None) -> Generated:
    """Render everything in memory, then (if `write`) write what changed and remove what the
    catalog no longer produces, all in one transaction under the repository's lock. An
    invalid catalog raises before anything is written, a failed write leaves every file as
    it was (WriteError), and a run that was interrupted is finished first. With `cache`,
    environments whose rendered objects passed the manifest rules before are not checked
    again (generator.validate.clean)."""
    text = read_text(repo.catalog_path, repo.catalog_shown, repo.limits.catalog)
    catalog, tree = _rendered(repo, text, cache)
    if not write:
        todo = _plan(repo, tree)
        return Generated(catalog, tree, todo, False, interrupted(repo.root))
    # Outside the lock another writer may be mid-way (a file it replaces is briefly gone):
    # where one may be (the lock file exists), what stands in the way is decided under the
    # lock; where none ever wrote, refuse now and create nothing.
    todo, conflicts = plan(repo.root, tree, (repo.catalog_path,))
    if conflicts and not (repo.root / LOCK_FILE).exists():
        raise FindingsError(conflicts)
    if not conflicts and not pending(repo.root, todo):
        return Generated(catalog, tree, todo, False, interrupted(repo.root))
    with exclusive(repo.root, "gitopsgen generate"):
        # What the lock waited for, or the run it finished, may have changed the catalog
        # (a promote) or the tree: read both again.
        now = read_text(repo.catalog_path, repo.catalog_shown, repo.limits.catalog)
        if now != text:
            catalog, tree = _rendered(repo, now, cache)
        todo = _plan(repo, tree)
        if todo.drift or todo.leftovers:
            apply(repo.root, todo, "gitopsgen generate")
    return Generated(catalog, tree, todo, todo.drift)


def promote(repo: Repository, request: Request, branch: str | None = None) -> Promotion:
    """Move versions between environments (apps) or clusters (add-ons) in the catalog, in
    place, and regenerate the tree;
    with `branch`, commit both on that new branch. Nothing is written when refused."""
    from generator.gitops.promote import promote as promote_versions

    return promote_versions(
        repo.root, repo.catalog_path, repo.catalog_shown, request, branch, repo.limits.catalog
    )


def diff(repo: Repository, base: str) -> RenderedDiff:
    """What the change from git revision `base` to the working tree does to the objects
    Kustomize renders for each affected overlay, built on both sides; changes nothing."""
    from generator.gitops.diff import rendered_diff

    return rendered_diff(repo.root, load(repo), repo.catalog_path, base, repo.limits.catalog)


def read(repo: Repository) -> Catalog:
    """The catalog model for views of the catalog (`status`, `graph`): its schema and checks
    apply (an invalid catalog raises FindingsError), the manifest rules on what it renders
    do not (that is validate's job, and it costs the time of a render)."""
    text = read_text(repo.catalog_path, repo.catalog_shown, repo.limits.catalog)
    return catalog_from_text(
        text, repo.catalog_shown, repo.root, repo.limits.catalog, preflight=False
    )

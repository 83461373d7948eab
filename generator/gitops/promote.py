"""`promote`: move app versions to the next environment, or cluster add-on versions to the
next cluster, by editing catalog.yaml in place.

Only the promoted scalars of the user's file change (comments, order, quoting, flow style
and blank lines stay); then the tree is regenerated and, on request, committed on a new
branch. Everything is decided and checked in memory first: the catalog must be valid before
and after the edit, and the tree must be writable, or nothing is written at all. The catalog
and the tree are written in one transaction under the repository's lock: both change, or
neither does.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.catalog.cluster_order import addon_sources
from generator.catalog.load import catalog_from_text, read_text
from generator.catalog.model import Catalog
from generator.catalog.promotion_order import app_sources
from generator.errors import FindingsError, GitopsgenError, RefusedError, UsageError
from generator.gitops import git
from generator.gitops.promote_addon_plan import (
    AddonPlan,
    AddonRequest,
    addon_commit_message,
    plan_addon_promotion,
)
from generator.gitops.promote_plan import (
    PromoteRequest,
    PromotionPlan,
    commit_message,
    plan_promotion,
)
from generator.gitops.promotion_history import read_history
from generator.limits import CATALOG, Limits
from generator.render import render
from generator.rules.promotion import ADDON_ORDER, ORDER, check_promotion
from generator.rules.promotion_addons import check_addon_promotion
from generator.writer import Plan, apply, exclusive, plan
from generator.yamlio import load_located, set_scalars

Request = PromoteRequest | AddonRequest
Moves = PromotionPlan | AddonPlan


@dataclass(frozen=True)
class Promotion:
    plan: Moves
    tree: Plan | None  # what was written under the root; None when nothing moved
    commit: str | None = None  # the new commit's id with a branch


@dataclass(frozen=True)
class _Decided:
    moves: Moves
    edited: str = ""  # the catalog after the promotion
    todo: Plan | None = None  # None: nothing moves


def _edited(text: str, shown: str, moves: Moves, root: Path, limits: Limits) -> tuple[str, Catalog]:
    edited = set_scalars(text, moves.edits(), shown)
    try:
        return edited, catalog_from_text(edited, shown, root, limits)
    except FindingsError as exc:
        reasons: list[GitopsgenError] = [
            UsageError(f"{f.message} ({f.rule})", f.position) for f in exc.findings
        ]
        reasons.append(
            UsageError("the catalog would be invalid after this promotion; nothing was written")
        )
        raise RefusedError(reasons) from None


def _unproven(
    catalog_path: Path,
    shown: str,
    edited: str,
    catalog: Catalog,
    moves: Moves,
    limits: Limits,
) -> list[GitopsgenError]:
    """Where a promoted version did not run in every other source of a target with several
    (`promotion-order` or `promotion-addon-order` on the edited catalog and the catalog's
    git history): taken from one source, it must have run in the others too. A target with
    one source is never asked."""
    if isinstance(moves, AddonPlan):
        return _unproven_addons(catalog_path, shown, edited, catalog, moves, limits)
    target = catalog.environment(moves.target)
    keys = frozenset(
        (m.app, target.name)
        for m in moves.moves
        if len(app_sources(catalog, catalog.app(m.app), target)) > 1
    )
    if not keys:
        return []
    history = read_history(catalog_path, "HEAD", limits)
    found = check_promotion(catalog, load_located(edited, shown, limits), history, keys)
    return [
        UsageError(f"{f.message} ({f.rule}); --force promotes it anyway", f.position)
        for f in found
        if f.rule == ORDER.id
    ]


def _unproven_addons(
    catalog_path: Path,
    shown: str,
    edited: str,
    catalog: Catalog,
    moves: AddonPlan,
    limits: Limits,
) -> list[GitopsgenError]:
    keys = frozenset(
        (m.addon, moves.target)
        for m in moves.moves
        if len(addon_sources(catalog, m.addon, moves.target)) > 1
    )
    if not keys:
        return []
    history = read_history(catalog_path, "HEAD", limits)
    found = check_addon_promotion(catalog, load_located(edited, shown, limits), history, keys)
    return [
        UsageError(f"{f.message} ({f.rule}); --force promotes it anyway", f.position)
        for f in found
        if f.rule == ADDON_ORDER.id
    ]


def _check_branch(root: Path, catalog_path: Path, shown: str, branch: str) -> None:
    if git.find_root(root) is None:
        raise UsageError(f"{root} is not inside a git repository; run 'git init' or drop --branch")
    git.check_new_branch(root, branch)
    if git.is_dirty(root, git.relative(root, catalog_path)):
        raise UsageError(
            f"{shown} has uncommitted changes; commit or stash them first, or drop --branch"
        )


def _decide(
    root: Path,
    catalog_path: Path,
    shown: str,
    request: Request,
    branch: str | None,
    limits: Limits,
) -> _Decided:
    """Everything the promotion writes, from what is on disk now; raises when refused."""
    text = read_text(catalog_path, shown, limits)
    before = catalog_from_text(text, shown, root, limits)
    moves: Moves = (
        plan_addon_promotion(before, request)
        if isinstance(request, AddonRequest)
        else plan_promotion(before, request)
    )
    if not moves.moves:
        return _Decided(moves)
    edited, catalog = _edited(text, shown, moves, root, limits)
    if not request.force and (
        unproven := _unproven(catalog_path, shown, edited, catalog, moves, limits)
    ):
        raise RefusedError(unproven)
    todo, conflicts = plan(root, render(catalog), (catalog_path,))
    if conflicts:
        raise FindingsError(conflicts)
    if branch is not None:
        _check_branch(root, catalog_path, shown, branch)
    return _Decided(moves, edited, todo)


def _command(request: Request) -> str:
    if isinstance(request, AddonRequest):
        named = [f"--addon {name}" for name in request.addons] or ["--all-addons"]
        return " ".join(["gitopsgen promote", *named, "--to", request.target])
    return " ".join(["gitopsgen promote", *(request.apps or ["--all"]), "--to", request.target])


def _message(moves: Moves) -> str:
    if isinstance(moves, AddonPlan):
        return addon_commit_message(moves)
    return commit_message(moves)


def promote(
    root: Path,
    catalog_path: Path,
    shown: str,
    request: Request,
    branch: str | None = None,
    limits: Limits = CATALOG,
) -> Promotion:
    """Promote as `request` says (apps between environments, or add-ons between clusters)
    and regenerate the tree under `root`; with `branch`, create that branch at HEAD and
    commit the catalog and the tree files written on it."""
    decided = _decide(root, catalog_path, shown, request, branch, limits)
    if decided.todo is None:
        return Promotion(decided.moves, None)
    command = _command(request)
    with exclusive(root, command):
        # Decide again from what is on disk now: the lock may have waited for another run.
        decided = _decide(root, catalog_path, shown, request, branch, limits)
        todo = decided.todo
        if todo is None:
            return Promotion(decided.moves, None)
        apply(root, todo, command, {catalog_path: decided.edited.encode("utf-8")})
        if branch is None:
            return Promotion(decided.moves, todo)
        git.create_branch(root, branch)
        paths = [catalog_path, *(root / p for p in sorted({*todo.writes, *todo.deletes}))]
        message = _message(decided.moves)
        commit = git.commit_paths(root, [git.relative(root, p) for p in paths], message)
    return Promotion(decided.moves, todo, commit)

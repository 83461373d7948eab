"""`gitopsgen promote`: move app versions along the promotion order, regenerate, maybe commit."""

from __future__ import annotations

from pathlib import Path

import click

from generator.api import promote
from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, ROOT_OPTION, repository
from generator.errors import EXIT_CLEAN, UsageError
from generator.gitops.promote_plan import PromoteRequest


@click.command("promote")
@click.argument("apps", nargs=-1, metavar="APP...")
@click.option(
    "--to", "target", required=True, metavar="ENV", help="The environment to promote into."
)
@click.option(
    "--from",
    "source",
    metavar="ENV",
    default=None,
    help="The environment to take versions from [default: the one --to promotes from].",
)
@click.option("--all", "every", is_flag=True, help="Every app whose version differs.")
@click.option("--branch", metavar="NAME", default=None, help="Commit on this new branch.")
@click.option("--force", is_flag=True, help="Skip environments, roll back, enable disabled apps.")
@CATALOG_OPTION
@ROOT_OPTION
@handles_errors
def promote_command(
    apps: tuple[str, ...],
    target: str,
    source: str | None,
    every: bool,
    branch: str | None,
    force: bool,
    catalog: Path | None,
    root: Path | None,
) -> int:
    """Move each APP's version from the environment --to promotes from (or --from) into --to.

    The source is the one environment in --to's promotesFrom (by default the one before it);
    with several, pass --from naming one of them (exit 2 otherwise).
    Edits the catalog in place, changing only those versions, then regenerates the tree:
    both change together, or neither does (a refused write exits 2).
    Refused (exit 1, nothing written) when it skips an environment, rolls a version back,
    enables a disabled app, or moves a version that did not run in every source of --to,
    unless --force; always refused from a disabled app or without a digest into a digest
    environment.
    """
    if bool(apps) == every:
        raise UsageError("name the apps to promote, or pass --all (not both)")
    repo = repository(root, catalog)
    request = PromoteRequest(tuple(apps), target, source, every, force)
    done = promote(repo, request, branch)
    moves = done.plan
    route = f"{moves.target} (from {moves.source})"
    for same in moves.unchanged:
        click.echo(f"{same.app} already runs {same.version} in {moves.target}; nothing to promote")
    if every and not moves.moves:
        click.echo(
            f"every app enabled in both {moves.source} and {moves.target} already runs the "
            "same version there; nothing to promote"
        )
    for move in moves.moves:
        enabled = " and enabled it there" if move.enable else ""
        click.echo(
            f"promoted {move.app} {move.previous or '(none)'} -> {move.version} "
            f"into {route}{enabled}"
        )
    if done.tree is not None:
        click.echo(
            f"updated {repo.catalog_shown}; regenerated the tree: "
            f"{len(done.tree.writes)} file(s) written, {len(done.tree.deletes)} removed"
        )
    if done.commit is not None:
        click.echo(f"committed {done.commit[:12]} on the new branch {branch}")
    return EXIT_CLEAN

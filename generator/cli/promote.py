"""`gitopsgen promote`: move app versions along the promotion order (or add-on versions along
the clusters'), regenerate, maybe commit."""

from __future__ import annotations

from pathlib import Path

import click

from generator.api import promote
from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, ROOT_OPTION, repository
from generator.errors import EXIT_CLEAN, UsageError
from generator.gitops.promote import Promotion
from generator.gitops.promote_addon_plan import AddonPlan, AddonRequest
from generator.gitops.promote_plan import PromoteRequest, PromotionPlan


@click.command("promote")
@click.argument("apps", nargs=-1, metavar="APP...")
@click.option(
    "--to",
    "target",
    required=True,
    metavar="ENV|CLUSTER",
    help="The environment to promote into (a cluster with --addon or --all-addons).",
)
@click.option(
    "--from",
    "source",
    metavar="ENV|CLUSTER",
    default=None,
    help="The environment (cluster) to take versions from [default: the one --to promotes from].",
)
@click.option("--all", "every", is_flag=True, help="Every app whose version differs.")
@click.option(
    "--addon",
    "addons",
    multiple=True,
    metavar="NAME",
    help="A cluster add-on to promote between clusters (repeatable).",
)
@click.option(
    "--all-addons", "every_addon", is_flag=True, help="Every add-on whose version differs."
)
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
    addons: tuple[str, ...],
    every_addon: bool,
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

    With --addon NAME (or --all-addons), --to and --from name clusters: the add-ons'
    versions move from the cluster --to promotes from (the clusters of the environments its
    environments promote from). Refused unless --force when it skips the order or rolls a
    version back; always when the add-on is missing on either cluster or installs another
    chart there.
    """
    repo = repository(root, catalog)
    if addons or every_addon:
        if apps or every:
            raise UsageError(
                "promote apps or add-ons, not both: --to names an environment for apps and a "
                "cluster for add-ons"
            )
        if addons and every_addon:
            raise UsageError(
                "name the add-ons to promote with --addon, or pass --all-addons (not both)"
            )
        request: PromoteRequest | AddonRequest = AddonRequest(
            tuple(addons), target, source, every_addon, force
        )
    else:
        if bool(apps) == every:
            raise UsageError("name the apps to promote, or pass --all (not both)")
        request = PromoteRequest(tuple(apps), target, source, every, force)
    done = promote(repo, request, branch)
    if isinstance(done.plan, AddonPlan):
        _report_addons(done.plan, every_addon)
    else:
        _report_apps(done.plan, every)
    _report_writes(done, repo.catalog_shown, branch)
    return EXIT_CLEAN


def _report_apps(moves: PromotionPlan, every: bool) -> None:
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


def _report_addons(moves: AddonPlan, every: bool) -> None:
    for same in moves.unchanged:
        click.echo(
            f"add-on {same.addon} already runs {same.version} on cluster {moves.target}; "
            "nothing to promote"
        )
    if every and not moves.moves:
        click.echo(
            f"every add-on installed on both clusters {moves.source} and {moves.target} "
            "already runs the same version there; nothing to promote"
        )
    for move in moves.moves:
        click.echo(
            f"promoted add-on {move.addon} {move.previous} -> {move.version} onto cluster "
            f"{moves.target} (from {moves.source})"
        )


def _report_writes(done: Promotion, shown: str, branch: str | None) -> None:
    if done.tree is not None:
        click.echo(
            f"updated {shown}; regenerated the tree: "
            f"{len(done.tree.writes)} file(s) written, {len(done.tree.deletes)} removed"
        )
    if done.commit is not None:
        click.echo(f"committed {done.commit[:12]} on the new branch {branch}")

"""`gitopsgen validate`: the whole repository, as Argo CD and the cluster will see it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.builds import dumps, prechecks
from generator.builds.batch import Builder
from generator.charts.locate import Charts, HelmDirs, Network
from generator.cli.errors import handles_errors
from generator.cli.options import (
    CACHE_DIR_OPTION,
    CACHE_SIZE_OPTION,
    CATALOG_OPTION,
    FORMAT_OPTION,
    NO_CACHE_OPTION,
    QUIET_OPTION,
    ROOT_OPTION,
    SHARD_OPTION,
    cache_of,
    repository,
)
from generator.cli.progress import progress_line
from generator.cli.state import cli_state
from generator.report import default_format, render
from generator.validate.repository import validate
from generator.validate.shard import Shard


@click.command("validate")
@CATALOG_OPTION
@ROOT_OPTION
@FORMAT_OPTION
@click.option(
    "--changed",
    is_flag=True,
    help="Check only what the change since --base touches (the working tree, as pre-commit "
    "stages it).",
)
@click.option(
    "--base",
    default=None,
    metavar="REV",
    help="The git revision --changed compares with [default: HEAD]; implies --changed.",
)
@SHARD_OPTION
@click.option(
    "--offline",
    is_flag=True,
    help="Never pull a Helm chart: use only charts/ and the Helm cache (also GITOPSGEN_OFFLINE=1).",
)
@CACHE_DIR_OPTION
@NO_CACHE_OPTION
@CACHE_SIZE_OPTION
@QUIET_OPTION
@handles_errors
def validate_command(
    catalog: Path | None,
    root: Path | None,
    fmt: str | None,
    changed: bool,
    base: str | None,
    shard: Shard | None,
    offline: bool,
    cache_dir: Path | None,
    no_cache: bool,
    cache_size: int,
    quiet: bool,
) -> int:
    """Check the catalog, the generated tree, every overlay built with Kustomize, and the
    Argo CD objects, with the rules of each environment.

    Chart apps and cluster add-ons are rendered with Helm, from charts/, the Helm cache, or
    pulled (within GITOPSGEN_PULL_TIMEOUT seconds) unless --offline. Builds, renders and
    findings are cached by the bytes they were computed from: an unchanged folder is not
    built again. Exit 0 when clean, 1 on error findings, 2 when the catalog cannot be read,
    --shard is not K/N, or --changed is used outside a git repository.
    """
    repo = repository(root, catalog)
    charts = Charts(repo.root, HelmDirs.of(os.environ), Network.of(os.environ, offline))
    since = ("HEAD" if changed else None) if base is None else base
    rules = cli_state().manifest_rules
    with progress_line(sys.stderr, quiet) as progress:
        cache = cache_of(cache_dir, no_cache, cache_size)
        builder = Builder(cache=cache, progress=progress)
        with dumps.kept(cache, repo.root), prechecks.kept(cache):
            result = validate(
                repo, rules=rules, changed_since=since, builder=builder, shard=shard, charts=charts
            ).result
        if cache is not None:
            cache.prune()
    click.echo(render(result, fmt or default_format(os.environ)), nl=False)
    return result.exit_code

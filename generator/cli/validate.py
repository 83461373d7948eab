"""`gitopsgen validate`: the whole repository, as Argo CD and the cluster will see it."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, FORMAT_OPTION, ROOT_OPTION, repository
from generator.cli.state import cli_state
from generator.report import default_format, render
from generator.validate.repository import validate


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
@handles_errors
def validate_command(
    catalog: Path | None, root: Path | None, fmt: str | None, changed: bool, base: str | None
) -> int:
    """Check the catalog, the generated tree, every overlay built with Kustomize, and the
    Argo CD objects, with the rules of each environment.

    Exit 0 when clean, 1 on error findings, 2 when the catalog cannot be read (or --changed
    is used outside a git repository).
    """
    repo = repository(root, catalog)
    since = ("HEAD" if changed else None) if base is None else base
    result = validate(repo, rules=cli_state().manifest_rules, changed_since=since).result
    click.echo(render(result, fmt or default_format(os.environ)), nl=False)
    return result.exit_code

"""`gitopsgen status`: which version runs where, from the catalog."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.api import read
from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, ROOT_OPTION, repository
from generator.errors import EXIT_CLEAN
from generator.gitops.status import status
from generator.report import status_json, status_markdown, status_text

FORMATS = ("text", "markdown", "json")


def colour_wanted() -> bool:
    """Colour on a terminal, unless NO_COLOR is set (no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@click.command("status")
@CATALOG_OPTION
@ROOT_OPTION
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@handles_errors
def status_command(catalog: Path | None, root: Path | None, fmt: str) -> int:
    """Show the version of every app in every environment, from the catalog.

    Environments in promotion order, apps by name; each version is compared with the
    environments it promotes from (SemVer where both are SemVer), and hotfixes, disabled
    pairs, chart apps and the clusters' add-ons are shown. `--format markdown` is for a
    pull-request comment, `--format json` for scripts. Exit 0; an invalid catalog is
    reported as by generate (exit 1), an unreadable one exits 2.
    """
    found = status(read(repository(root, catalog)))
    if fmt == "json":
        click.echo(status_json.report(found), nl=False)
    elif fmt == "markdown":
        click.echo(status_markdown.report(found), nl=False)
    else:
        color = colour_wanted()
        click.echo(status_text.report(found, color), nl=False, color=color)
    return EXIT_CLEAN

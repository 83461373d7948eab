"""Options several commands share."""

from __future__ import annotations

import os
from pathlib import Path

import click

from generator.api import Repository
from generator.limits import from_environ
from generator.report import FORMATS

CATALOG_OPTION = click.option(
    "--catalog",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="The catalog file [default: ROOT/catalog.yaml].",
)
ROOT_OPTION = click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="The repository root the tree is written under [default: the current folder].",
)


FORMAT_OPTION = click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default=None,
    help="Output format [default: github when GITHUB_ACTIONS=true, else text].",
)


def repository(root: Path | None, catalog: Path | None) -> Repository:
    """The repository a command works on, with the input limits the GITOPSGEN_MAX_*
    environment variables set (generator.limits)."""
    return Repository.at(root, catalog, from_environ(os.environ))

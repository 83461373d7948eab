"""`gitopsgen diff`: what a change does to the rendered manifests, from git alone."""

from __future__ import annotations

from pathlib import Path

import click

from generator.api import diff
from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, ROOT_OPTION, repository
from generator.errors import EXIT_CLEAN, InputError
from generator.report import diff_markdown, diff_text

REPORTS = {"text": diff_text.report, "markdown": diff_markdown.report}


def append(path: Path, text: str) -> None:
    """Append to `path` (created if missing), as GitHub expects of $GITHUB_STEP_SUMMARY."""
    try:
        gap = "\n" if path.is_file() and path.stat().st_size else ""  # a blank line between
        with path.open("a", encoding="utf-8") as out:
            out.write(gap + text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}; pass a writable --output") from None


@click.command("diff")
@click.option("--base", required=True, metavar="REV", help="The git revision to compare with.")
@CATALOG_OPTION
@ROOT_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(tuple(REPORTS)), default="text", show_default=True
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Append the report to this file (e.g. $GITHUB_STEP_SUMMARY) instead of printing it.",
)
@handles_errors
def diff_command(
    base: str, catalog: Path | None, root: Path | None, fmt: str, output: Path | None
) -> int:
    """Show what the change from REV to the working tree does to the rendered manifests.

    Builds every overlay the change affects with Kustomize on both sides (REV from its git
    blobs in a temporary folder; the checkout, index and branches stay untouched) and
    prints a unified diff per object that changed, was added or was removed. Exit 0 with
    or without differences; 2 for a bad REV or outside a git repository.
    """
    result = diff(repository(root, catalog), base)
    text = REPORTS[fmt](result)
    if output is None:
        click.echo(text, nl=False)
    else:
        append(output, text)
        click.echo(f"wrote the rendered diff against {base} to {output}")
    return EXIT_CLEAN

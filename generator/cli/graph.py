"""`gitopsgen graph`: the promotion DAG and the dependsOn graph as Mermaid."""

from __future__ import annotations

from pathlib import Path

import click

from generator.api import read
from generator.cli.errors import handles_errors
from generator.cli.options import CATALOG_OPTION, ROOT_OPTION, repository
from generator.errors import EXIT_CLEAN
from generator.report import mermaid


@click.command("graph")
@CATALOG_OPTION
@ROOT_OPTION
@click.option("--what", type=click.Choice(mermaid.WHAT), default="all", show_default=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("mermaid", "markdown")),
    default="mermaid",
    show_default=True,
    help="The Mermaid text, or the same in a ```mermaid block for Markdown.",
)
@handles_errors
def graph_command(catalog: Path | None, root: Path | None, what: str, fmt: str) -> int:
    """Print the promotion DAG and/or the dependsOn graph as a Mermaid flowchart.

    Environments grouped by cluster, an arrow from each environment to those that promote
    from it; apps grouped by team, an arrow from each app to what it depends on. GitHub
    renders a ```mermaid block in Markdown (`--format markdown`). A graph beyond
    Mermaid's default limits (500 arrows, 50,000 characters) is printed with a warning.
    """
    text = mermaid.flowchart(read(repository(root, catalog)), what)
    click.echo(mermaid.fenced(text) if fmt == "markdown" else text, nl=False)
    problem = mermaid.too_large(text)
    if problem:
        click.echo(
            f"warning: the graph has {problem}: a page that keeps Mermaid's defaults shows an "
            "error instead; draw one graph at a time (--what), or raise maxEdges and "
            "maxTextSize where you render it",
            err=True,
        )
    return EXIT_CLEAN

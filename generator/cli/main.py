"""The click command line: parses, calls the API, picks a reporter, returns an exit code."""

from __future__ import annotations

import click

from generator import __version__
from generator.cli.diff import diff_command
from generator.cli.generate import generate_command
from generator.cli.lint import lint_command
from generator.cli.promote import promote_command
from generator.cli.rules import explain_command, rules_command
from generator.cli.state import CliState
from generator.cli.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitopsgen")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Generate and validate a Kustomize + Argo CD GitOps tree from catalog.yaml."""
    ctx.ensure_object(CliState).debug = debug


main.add_command(generate_command)
main.add_command(validate_command)
main.add_command(lint_command)
main.add_command(promote_command)
main.add_command(diff_command)
main.add_command(rules_command)
main.add_command(explain_command)

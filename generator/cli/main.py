"""The click command line: parses, calls the API, picks a reporter, returns an exit code.

Each command's module is imported only when that command runs (or `--help` lists them), so
`gitopsgen --version` and a single command pay only for what they use.
"""

from __future__ import annotations

import importlib

import click

from generator import __version__
from generator.cli.state import CliState

# command name -> (module, attribute) of its click command
COMMANDS: dict[str, tuple[str, str]] = {
    "generate": ("generator.cli.generate", "generate_command"),
    "validate": ("generator.cli.validate", "validate_command"),
    "lint": ("generator.cli.lint", "lint_command"),
    "promote": ("generator.cli.promote", "promote_command"),
    "diff": ("generator.cli.diff", "diff_command"),
    "status": ("generator.cli.status", "status_command"),
    "graph": ("generator.cli.graph", "graph_command"),
    "rules": ("generator.cli.rules", "rules_command"),
    "explain": ("generator.cli.rules", "explain_command"),
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in COMMANDS and cmd_name not in self.commands:
            module, attribute = COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitopsgen")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Generate and validate a Kustomize + Argo CD GitOps tree from catalog.yaml."""
    ctx.ensure_object(CliState).debug = debug

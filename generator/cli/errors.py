"""The one place where errors become exit codes and a line on stderr.

A `GitopsgenError` prints `path:line:col: error: message` and exits with its `exit_code`;
any other exception is a bug: exit 3 with one line, or the traceback under `--debug`.
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Callable
from typing import ParamSpec

import click

from generator.cli.state import cli_state
from generator.errors import EXIT_INTERNAL, GitopsgenError

P = ParamSpec("P")


def run_command(fn: Callable[[], int], *, debug: bool = False) -> int:
    """Call `fn` and return its exit code, or the exit code of the error it raised."""
    try:
        return fn()
    except (click.ClickException, click.exceptions.Exit, click.Abort):
        raise  # click's own usage errors keep click's handling (exit 2)
    except GitopsgenError as exc:
        click.echo(str(exc), err=True)
        return exc.exit_code
    except Exception as exc:
        if debug:
            click.echo(traceback.format_exc(), err=True, nl=False)
        else:
            click.echo(
                f"gitopsgen: internal error: {type(exc).__name__}: {exc}; "
                "rerun with --debug for the traceback",
                err=True,
            )
        return EXIT_INTERNAL


def handles_errors(fn: Callable[P, int]) -> Callable[P, None]:
    """Decorate a click command callback that returns an exit code (put it under the
    `@click.option`s): errors are mapped by `run_command`, the code becomes the exit status."""

    @functools.wraps(fn)
    def command(*args: P.args, **kwargs: P.kwargs) -> None:
        ctx = click.get_current_context()
        code = run_command(lambda: fn(*args, **kwargs), debug=cli_state(ctx).debug)
        ctx.exit(code)

    return command

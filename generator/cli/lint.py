"""`gitopsgen lint`: the manifest rules over any Kubernetes YAML files or folders."""

from __future__ import annotations

import os
import re
from pathlib import Path

import click

from generator.cli.errors import handles_errors
from generator.cli.options import FORMAT_OPTION
from generator.cli.state import cli_state
from generator.limits import from_environ
from generator.report import default_format, render
from generator.rule import RuleContext
from generator.rules.examples import DEFAULT_KUBERNETES_VERSION
from generator.validate.lint import lint
from generator.validate.lint_charts import ChartOptions

LEVELS = ("baseline", "restricted")


def kubernetes_version(_: click.Context, __: click.Parameter, value: str) -> str:
    if not re.fullmatch(r"[1-9][0-9]*\.[0-9]+", value):
        raise click.BadParameter(f"{value!r} is not a MAJOR.MINOR version such as 1.31")
    return value


@click.command("lint")
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="restricted",
    show_default=True,
    help="Pod Security Standards level the workloads must meet.",
)
@click.option(
    "--kubernetes-version",
    "--kube-version",
    "version",
    default=DEFAULT_KUBERNETES_VERSION,
    show_default=True,
    callback=kubernetes_version,
    help="Kubernetes MAJOR.MINOR the objects are for (schemas, deprecated APIs).",
)
@click.option(
    "--values",
    "-f",
    "values",
    multiple=True,
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Helm values file for the charts (repeatable; later files win).",
)
@click.option(
    "--namespace",
    "-n",
    default=None,
    help="Namespace the charts are rendered for (Helm's release namespace), given to "
    "their objects that name none [default: Helm's 'default', objects left without one].",
)
@FORMAT_OPTION
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@handles_errors
def lint_command(
    level: str,
    version: str,
    values: tuple[Path, ...],
    namespace: str | None,
    fmt: str | None,
    paths: tuple[Path, ...],
) -> int:
    """Check Kubernetes YAML files and folders, and Helm charts, with the manifest rules.

    Folders are read recursively (*.yaml, *.yml; hidden entries skipped). A chart folder
    (with Chart.yaml) or archive (.tgz) is rendered with Helm, with the --values files, and
    its objects are checked, each at its template's line. Exit 0 when clean, 1 on error
    findings, 2 when any input cannot be read or rendered (all are listed).
    """
    ctx = RuleContext(kubernetes_version=version, pod_security_level=level, namespace=namespace)
    charts = ChartOptions(values, namespace)
    limits = from_environ(os.environ).manifests
    result = lint(paths, ctx, cli_state().manifest_rules, limits, charts)
    click.echo(render(result, fmt or default_format(os.environ)), nl=False)
    return result.exit_code

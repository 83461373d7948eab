"""The click command line: parses, calls the API, picks a reporter, returns an exit code."""

from __future__ import annotations

import click

from generator import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="gitopsgen")
def main() -> None:
    """Generate and validate a Kustomize + Argo CD GitOps tree from catalog.yaml."""

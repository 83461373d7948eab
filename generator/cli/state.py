"""What the `main` group hands its commands through `ctx.obj`: the `--debug` flag and the
rule registry (tests pass their own rules as `obj=CliState(...)`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from generator.rule import ManifestRule, Rule
from generator.rules import MANIFEST_RULES, all_rules


@dataclass
class CliState:
    debug: bool = False
    manifest_rules: tuple[ManifestRule, ...] = MANIFEST_RULES
    rules: tuple[Rule, ...] = field(default_factory=all_rules)


def cli_state(ctx: click.Context | None = None) -> CliState:
    """The state of the running command line (a default one outside the `main` group)."""
    obj = (ctx or click.get_current_context()).find_root().obj
    return obj if isinstance(obj, CliState) else CliState()

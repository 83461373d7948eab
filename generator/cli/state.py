"""What the `main` group hands its commands through `ctx.obj`: the `--debug` flag and the
rule registry (tests pass their own rules as `obj=CliState(...)`). The registry is imported
when a state is made, so `--version` and `--help` do not load every rule."""

from __future__ import annotations

from dataclasses import dataclass, field

import click

from generator.rule import ManifestRule, Rule


def _manifest_rules() -> tuple[ManifestRule, ...]:
    from generator.rules import MANIFEST_RULES

    return MANIFEST_RULES


def _all_rules() -> tuple[Rule, ...]:
    from generator.rules import all_rules

    return all_rules()


@dataclass
class CliState:
    debug: bool = False
    manifest_rules: tuple[ManifestRule, ...] = field(default_factory=_manifest_rules)
    rules: tuple[Rule, ...] = field(default_factory=_all_rules)


def cli_state(ctx: click.Context | None = None) -> CliState:
    """The state of the running command line (a default one outside the `main` group)."""
    obj = (ctx or click.get_current_context()).find_root().obj
    return obj if isinstance(obj, CliState) else CliState()

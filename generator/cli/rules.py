"""`gitopsgen rules` (the registry as markdown or JSON) and `gitopsgen explain RULE_ID`."""

from __future__ import annotations

import difflib

import click

from generator.cli.errors import handles_errors
from generator.cli.state import cli_state
from generator.errors import EXIT_CLEAN, UsageError
from generator.rule import Rule
from generator.ruledocs import explain_text, rules_json, rules_markdown
from generator.rules.examples import examples_for


@click.command("rules")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("markdown", "json")),
    default="markdown",
    show_default=True,
)
@handles_errors
def rules_command(fmt: str) -> int:
    """List every rule as markdown or JSON.

    docs/rules.md is this command's markdown output.
    """
    rules = cli_state().rules
    click.echo(rules_markdown(rules) if fmt == "markdown" else rules_json(rules), nl=False)
    return EXIT_CLEAN


def find_rule(rules: tuple[Rule, ...], rule_id: str) -> Rule:
    for rule in rules:
        if rule.id == rule_id:
            return rule
    close = difflib.get_close_matches(rule_id, [r.id for r in rules], n=1)
    hint = f"; did you mean {close[0]!r}?" if close else "; `gitopsgen rules` lists them"
    raise UsageError(f"unknown rule {rule_id!r}{hint}")


@click.command("explain")
@click.argument("rule_id")
@handles_errors
def explain_command(rule_id: str) -> int:
    """Show a rule: what it checks, and a failing and a passing example."""
    rule = find_rule(cli_state().rules, rule_id)
    click.echo(explain_text(rule, examples_for(rule.id)), nl=False)
    return EXIT_CLEAN

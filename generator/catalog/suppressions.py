"""Suppressions name a rule that exists; their environments are checked as references
(`catalog-unknown-reference`, in `generator.catalog.checks`)."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from generator.catalog import rules
from generator.catalog.checks import _section
from generator.finding import Finding
from generator.yamlio import Located


def known_rule_ids() -> list[str]:
    # The registry assembles every family, this package's catalog rules included: import it
    # when the check runs, not when the catalog package loads.
    from generator.rules import all_rules

    return [r.id for r in all_rules()]


def check_suppressions(doc: Located) -> Iterator[Finding]:
    known = known_rule_ids()
    for app, spec in _section(doc, "apps").items():
        for i, suppression in enumerate(spec.get("suppress", [])):
            rule_id = suppression["rule"]
            if rule_id in known:
                continue
            message = f"app '{app}' suppresses unknown rule '{rule_id}', which silences nothing"
            close = difflib.get_close_matches(rule_id, known, n=1, cutoff=0.6)
            message += (
                f"; did you mean '{close[0]}'?"
                if close
                else "; `gitopsgen rules` lists the rule ids"
            )
            yield rules.SUPPRESSION.finding(
                message, doc.position(("apps", app, "suppress", i, "rule"))
            )

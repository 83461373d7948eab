"""Every manifest rule has a failing and a passing example; both give exactly the findings
their `# expect:` markers say (rule, path, line)."""

import re

import pytest

from generator.manifest_yaml import load_manifests
from generator.rules import MANIFEST_RULES
from generator.rules.examples import examples_for

EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9,\s-]+)$")


def expected(text: str, path: str, rule_id: str) -> list[tuple[str, str, int]]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            ids = [i.strip() for i in match.group(1).split(",")]
            found += [(rule_id, path, number) for i in ids if i == rule_id]
    return found


@pytest.mark.parametrize("entry", MANIFEST_RULES, ids=lambda e: e.rule.id)
def test_rule_examples(entry):
    examples = examples_for(entry.rule.id)
    assert examples is not None, f"missing examples for {entry.rule.id}"
    assert entry.applies(examples.context), "the example context must put the rule in force"
    for name, text in (("fail.yaml", examples.failing), ("pass.yaml", examples.passing)):
        manifests = load_manifests(text, name)
        findings = [f for f in entry.check(manifests, examples.context) if f.rule == entry.rule.id]
        got = sorted((f.rule, f.path, f.line) for f in findings)
        want = sorted(expected(text, name, entry.rule.id))
        assert got == want, name
    assert expected(examples.failing, "fail.yaml", entry.rule.id), "fail.yaml expects nothing"


def test_rule_ids_unique_and_prefixed():
    ids = [e.rule.id for e in MANIFEST_RULES]
    assert len(ids) == len(set(ids))
    for rule_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule_id), rule_id
        assert MANIFEST_RULES[ids.index(rule_id)].rule.family

"""Every catalog rule has a failing and a passing example catalog: fail.yaml gives exactly the
findings its `# expect:` markers say (rule, path, line), pass.yaml gives no finding at all.
And every rule has an example folder."""

import pytest

from generator.catalog.load import catalog_findings
from generator.catalog.rules import CATALOG_RULES
from generator.rules import all_rules
from generator.rules.examples import example_folders, examples_for
from generator.yamlio import load_located
from tests.test_rule_examples import expected


def findings(text, path):
    return [(f.rule, f.path, f.line) for f in catalog_findings(load_located(text, path))]


@pytest.mark.parametrize("rule", CATALOG_RULES, ids=lambda r: r.id)
def test_catalog_rule_examples(rule):
    examples = examples_for(rule.id)
    assert examples is not None, f"missing examples for {rule.id}"
    assert examples.context is None
    want = expected(examples.failing, "fail.yaml", rule.id)
    assert want, "fail.yaml expects nothing"
    got = [f for f in findings(examples.failing, "fail.yaml") if f[0] == rule.id]
    assert sorted(got) == sorted(want)
    assert findings(examples.passing, "pass.yaml") == []


def test_every_rule_has_examples():
    wanted = sorted(r.id for r in all_rules())
    missing = [i for i in wanted if examples_for(i) is None]
    assert missing == []
    assert example_folders() == wanted

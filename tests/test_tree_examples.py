"""Every tree- rule has a failing and a passing example: one file of the tree the example
catalog generates, written (or deleted) on disk; `validate` then reports exactly the
findings the `# expect:` markers name, at that path and line."""

import re
import shutil

import pytest

from generator.api import Repository, generate
from generator.rules.examples import TREE_CATALOG, examples_for, tree_setup
from generator.rules.tree import TREE_RULES
from generator.validate.repository import validate
from tests.test_rule_examples import expected

MARKER = re.compile(r"[ \t]+# expect: [^\n]*")


def findings(tmp_path, name, rule_id, text, action):
    root = tmp_path / name
    root.mkdir()
    shutil.copyfile(TREE_CATALOG, root / "catalog.yaml")
    generate(Repository.at(root))
    target = root / tree_setup(rule_id)["path"]
    if action == "delete":
        target.unlink(missing_ok=True)
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        # The markers annotate the example; the file on disk is what a user would have (a
        # generated file's header line must be exact to count as generated).
        target.write_text(MARKER.sub("", text))
    result = validate(Repository.at(root)).result
    return [(f.rule, f.path, f.line) for f in result.findings]


@pytest.mark.parametrize("rule", TREE_RULES, ids=lambda r: r.id)
def test_tree_rule_examples(rule, tmp_path):
    examples = examples_for(rule.id)
    assert examples is not None
    setup = tree_setup(rule.id)
    path = setup["path"]
    want = [(r, path, line) for r, _, line in expected(examples.failing, "fail.yaml", rule.id)]
    assert want, "fail.yaml expects nothing"
    got = findings(tmp_path, "fail", rule.id, examples.failing, setup.get("fail"))
    assert [f for f in got if f[0] == rule.id] == want
    assert findings(tmp_path, "pass", rule.id, examples.passing, setup.get("pass")) == []

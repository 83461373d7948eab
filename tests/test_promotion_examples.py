"""Every promotion rule has a failing and a passing example: revisions of catalog.yaml
committed one by one into a real git repository (history/*.yaml, oldest first), then the
working catalog (fail.yaml or pass.yaml) written over them, uncommitted."""

import pytest

from generator.catalog.build import build_catalog
from generator.catalog.load import catalog_findings
from generator.rules.examples import examples_for
from generator.rules.promotion import PROMOTION_RULES, promotion_findings
from generator.yamlio import load_located
from tests.gitrepo import commit_all, init
from tests.test_rule_examples import expected


def run(root, text, name):
    catalog_path = root / "catalog.yaml"
    catalog_path.write_text(text, encoding="utf-8")
    doc = load_located(text, name)
    assert catalog_findings(doc) == []
    return [
        (f.rule, f.path, f.line) for f in promotion_findings(catalog_path, build_catalog(doc), doc)
    ]


@pytest.mark.parametrize("rule", PROMOTION_RULES, ids=lambda r: r.id)
def test_promotion_rule_examples(rule, tmp_path):
    examples = examples_for(rule.id)
    assert examples is not None
    assert examples.context is None
    assert [name for name, _ in examples.history] == ["history/0001.yaml", "history/0002.yaml"]
    root = init(tmp_path / "repo")
    for name, text in examples.history:
        assert catalog_findings(load_located(text, name)) == []
        (root / "catalog.yaml").write_text(text, encoding="utf-8")
        commit_all(root, f"catalog: {name}")
    want = expected(examples.failing, "fail.yaml", rule.id)
    assert want, "fail.yaml expects nothing"
    assert sorted(run(root, examples.failing, "fail.yaml")) == sorted(want)
    assert run(root, examples.passing, "pass.yaml") == []

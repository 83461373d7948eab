"""Every chart- rule has a failing and a passing example catalog, validated offline in a
repository whose charts/ holds the example charts: fail.yaml gives exactly the findings its
`# expect:` markers say (rule, path, line), pass.yaml none at all."""

import shutil

import pytest

from generator.api import Repository, generate
from generator.charts.locate import Charts, HelmDirs, Network
from generator.rules.chart import CHART_RULES
from generator.rules.examples import EXAMPLE_CHARTS, examples_for
from generator.validate.repository import validate
from tests.test_rule_examples import expected


def findings(tmp_path, name, text):
    root = tmp_path / name
    root.mkdir()
    (root / "catalog.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(EXAMPLE_CHARTS, root / "charts")
    generate(Repository.at(root))
    dirs = HelmDirs(tmp_path / "helm" / "repository", tmp_path / "helm" / "content")
    charts = Charts(root, dirs, Network(allowed=False))
    result = validate(Repository.at(root), charts=charts).result
    return [(f.rule, f.path, f.line) for f in result.findings]


@pytest.mark.parametrize("rule", CHART_RULES, ids=lambda r: r.id)
def test_chart_rule_examples(rule, tmp_path):
    examples = examples_for(rule.id)
    assert examples is not None and examples.context is None
    want = [(r, "catalog.yaml", line) for r, _, line in expected(examples.failing, "f", rule.id)]
    assert want, "fail.yaml expects nothing"
    assert findings(tmp_path, "fail", examples.failing) == want
    assert findings(tmp_path, "pass", examples.passing) == []

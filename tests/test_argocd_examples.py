"""Every argocd- rule has a failing and a passing example: Applications and AppProjects, plus
repository.yaml (what each source path builds to, which environments sync by hand)."""

import pytest
import yaml

from generator.manifest_yaml import load_manifests
from generator.rules.argocd import (
    ARGOCD_RULES,
    ArgoContext,
    Built,
    application_sources,
    applications_and_projects,
    built_here,
    check_argocd,
)
from generator.rules.examples import EXAMPLES_DIR, examples_for
from tests.test_rule_examples import expected


def repository_facts(rule_id):
    facts = yaml.safe_load((EXAMPLES_DIR / rule_id / "repository.yaml").read_text())
    built = {}
    for path, spec in facts["paths"].items():
        objects = tuple(
            {"apiVersion": f"{g}/v1" if g else "v1", "kind": k} for g, k in spec.get("kinds", [])
        )
        built[path] = Built(not spec.get("missing", False), objects, spec.get("error", ""))
    manual = {(m["server"], m["namespace"]): m["environment"] for m in facts.get("manual", [])}
    return built, manual


def run(rule_id, text, path):
    built, manual = repository_facts(rule_id)
    manifests = load_manifests(text, path)
    apps, projects = applications_and_projects(manifests)
    for app in apps:
        for _, source in application_sources(app.obj["spec"]):
            if built_here(source):
                built.setdefault(source["path"], Built(False))
    ctx = ArgoContext(apps, projects, built, lambda server, ns: manual.get((server, ns)))
    return [(f.rule, f.path, f.line) for f in check_argocd(ctx)]


@pytest.mark.parametrize("rule", ARGOCD_RULES, ids=lambda r: r.id)
def test_argocd_rule_examples(rule):
    examples = examples_for(rule.id)
    assert examples is not None
    want = expected(examples.failing, "fail.yaml", rule.id)
    assert want, "fail.yaml expects nothing"
    assert sorted(
        f for f in run(rule.id, examples.failing, "fail.yaml") if f[0] == rule.id
    ) == sorted(want)
    assert run(rule.id, examples.passing, "pass.yaml") == []

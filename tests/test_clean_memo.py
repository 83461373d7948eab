"""Environments whose rendered objects passed every manifest rule are remembered in the
cache and not checked again (generator.validate.clean); environments with findings are
always checked, and the findings are the same with or without the memo."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from generator.builds.cache import Cache
from generator.catalog.build import build_catalog
from generator.rules import MANIFEST_RULES
from generator.validate.clean import KIND, CleanMemo
from generator.validate.preflight import preflight_findings
from generator.yamlio import load_located
from tests.helpers import ROOT

CATALOG = (ROOT / "catalog.yaml").read_text()
PROD_PAYMENTS = "      prod: {version: 2.1.4@sha256:9f2c7e1d4b6a8c0e2f4a6b8d0c2e4f6a8b0d2c4e6f8a0b2d4c6e8f0a2b4d6c8e, replicas: 3}\n"


def counting(runs: Counter[str]):
    """The manifest rules, each counting the environments it ran in."""

    def wrap(check):
        def counted(manifests, ctx):
            runs[str(ctx.environment)] += 1
            return check(manifests, ctx)

        counted.__module__ = check.__module__  # still gitopsgen's rule: the memo keys it
        counted.__qualname__ = check.__qualname__
        return counted

    return tuple(replace(r, check=wrap(r.check)) for r in MANIFEST_RULES)


def check(text: str, memo: CleanMemo | None) -> tuple[list, Counter[str]]:
    doc = load_located(text, "catalog.yaml")
    runs: Counter[str] = Counter()
    findings = preflight_findings(doc, build_catalog(doc), counting(runs), memo)
    return findings, runs


def entries(cache: Cache) -> int:
    return sum(1 for p in (cache.folder / "v1" / KIND).rglob("*") if p.is_file())


def test_a_clean_catalog_is_checked_once(tmp_path):
    memo = CleanMemo(Cache(tmp_path / "cache"))
    first, runs = check(CATALOG, memo)
    assert first == []
    rules = len(MANIFEST_RULES)
    assert set(runs) == {"dev", "staging", "prod"} and min(runs.values()) > rules / 2
    assert entries(memo.cache) == 3
    again, runs = check(CATALOG, memo)
    assert (again, runs) == ([], Counter())


def test_an_edit_in_dev_checks_dev_again(tmp_path):
    memo = CleanMemo(Cache(tmp_path / "cache"))
    check(CATALOG, memo)
    edited = CATALOG.replace(
        "dev: {version: 2.3.0, replicas: 1}", "dev: {version: 2.3.1, replicas: 1}"
    )
    assert edited != CATALOG
    found, runs = check(edited, memo)
    assert found == [] and set(runs) == {"dev"}
    assert entries(memo.cache) == 4


def test_findings_are_never_remembered(tmp_path):
    bad = CATALOG.replace(PROD_PAYMENTS, PROD_PAYMENTS.replace("replicas: 3", "replicas: 1"))
    assert bad != CATALOG
    without, _ = check(bad, None)
    assert without != []  # prod's minReplicas of 2
    memo = CleanMemo(Cache(tmp_path / "cache"))
    first, runs = check(bad, memo)
    assert first == without and set(runs) == {"dev", "staging", "prod"}
    again, runs = check(bad, memo)
    assert again == without and set(runs) == {"prod"}
    assert entries(memo.cache) == 2


def test_rules_of_other_code_are_not_remembered(tmp_path):
    memo = CleanMemo(Cache(tmp_path / "cache"))
    doc = load_located(CATALOG, "catalog.yaml")
    foreign = tuple(replace(r, check=lambda m, c, f=r.check: f(m, c)) for r in MANIFEST_RULES)
    assert preflight_findings(doc, build_catalog(doc), foreign, memo) == []
    assert entries(memo.cache) == 0


def test_a_waived_finding_counts_only_while_it_is_waived(tmp_path):
    """prod's orders-db runs one replica under a suppression: prod is remembered clean, and
    without the suppression it is checked again and the finding is back."""
    memo = CleanMemo(Cache(tmp_path / "cache"))
    check(CATALOG, memo)
    line = next(x for x in CATALOG.splitlines(True) if "{rule: workload-min-replicas" in x)
    unwaived = CATALOG.replace("    suppress:\n" + line, "")
    assert unwaived != CATALOG
    without, _ = check(unwaived, None)
    found, runs = check(unwaived, memo)
    assert set(runs) == {"dev", "staging", "prod"}  # every environment's key names the waivers
    assert found == without
    assert [f.rule for f in found] == ["workload-min-replicas"]

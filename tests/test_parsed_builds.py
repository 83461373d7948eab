"""What a folder built to is parsed once (generator.builds.parsed): a later validate whose
environment is checked again (another rule set, an edit elsewhere in it) reads the kept
parse, and finds exactly what it finds without the cache, positions included."""

from __future__ import annotations

import pytest

from generator.api import Repository, generate
from generator.builds import parsed
from generator.builds.batch import Builder
from generator.builds.cache import Cache
from generator.errors import InputError
from generator.finding import Severity
from generator.limits import MANIFESTS
from generator.manifest import Manifest
from generator.manifest_yaml import load_manifests
from generator.rule import ManifestRule, Rule
from generator.rules import MANIFEST_RULES
from generator.validate import built
from generator.validate.repository import validate
from tests.helpers import ROOT, make_repo

TEXT = "apiVersion: v1\nkind: List\nitems:\n- {kind: A, metadata: {name: a}}\n---\nkind: B\n"

# A rule outside gitopsgen's own: its environment's findings are never kept, so every run
# checks the built objects again, from the kept parse. It places a finding on a node of
# every Deployment, which validate moves to the file on disk that wrote it.
REPLICAS = Rule("workload-test-replicas", Severity.WARNING, "Replicas.", "Test rule.")


def replicas(manifests, ctx):
    for m in manifests:
        if m.kind == "Deployment":
            yield REPLICAS.finding(f"{m.name} replicas", m.position("spec", "replicas"), m.resource)


RULES = (*MANIFEST_RULES, ManifestRule(REPLICAS, replicas))


def never(*args, **kwargs):
    raise AssertionError("the build output was parsed again")


def test_a_kept_parse_is_the_parse(tmp_path):
    cache = Cache(tmp_path)

    def load():
        return load_manifests(TEXT, "x#built", MANIFESTS)

    first = parsed.manifests(TEXT, "x#built", MANIFESTS, cache, load)
    assert first == tuple(load())
    again = parsed.manifests(TEXT, "y#built", MANIFESTS, cache, never)
    assert again == tuple(Manifest("y#built", m.obj, m.positions, m.document) for m in first)


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9\x01\x00\x00\x00", b"N"])
def test_a_damaged_parse_is_parsed_again(tmp_path, damage):
    cache = Cache(tmp_path)

    def load():
        return load_manifests(TEXT, "x#built", MANIFESTS)

    first = parsed.manifests(TEXT, "x#built", MANIFESTS, cache, load)
    [entry] = [p for p in (tmp_path / "v1" / parsed.KIND).rglob("*") if p.is_file()]
    entry.write_bytes(damage)
    assert parsed.manifests(TEXT, "x#built", MANIFESTS, cache, load) == first


def test_output_that_does_not_parse_is_not_kept(tmp_path):
    cache = Cache(tmp_path)
    for _ in range(2):
        with pytest.raises(InputError):
            parsed.manifests("a: [", "x", MANIFESTS, cache, lambda: load_manifests("a: [", "x"))
    assert not (tmp_path / "v1" / parsed.KIND).exists()


def test_validate_reads_the_kept_parse_and_finds_the_same(tmp_path, monkeypatch):
    root = make_repo(tmp_path, (ROOT / "catalog.yaml").read_text())
    generate(Repository.at(root))
    repo = Repository.at(root)
    expected = validate(repo, rules=RULES).result.findings
    assert {f.rule for f in expected} == {"workload-test-replicas"}
    assert all(not f.path.endswith(built.BUILT) for f in expected)
    cache = Cache(tmp_path / "cache")
    assert validate(repo, rules=RULES, builder=Builder(cache=cache)).result.findings == expected
    monkeypatch.setattr(built, "load_manifests", never)
    assert validate(repo, rules=RULES, builder=Builder(cache=cache)).result.findings == expected

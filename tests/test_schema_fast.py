"""The compiled pre-check (generator.k8s.schema_fast) and jsonschema give the same verdict
on every object of the golden trees, the rule examples and the real applications, and on
each of them broken in several ways: a pre-check that passed an object jsonschema refuses
would hide a finding."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.k8s.schema import SchemaRegistry, UnknownKind

ROOT = Path(__file__).resolve().parent.parent
REALAPPS = ROOT.parent / "shared" / "realapps"
# The real applications sit beside the checkout in CI (../shared/realapps/README.md); a
# plain clone checks the golden trees and the rule examples alone.
CORPORA = [ROOT / "tests" / "golden", ROOT / "generator" / "rules" / "examples", REALAPPS]
VERSIONS = ("1.25", "1.37")  # the oldest and the newest bundled


def objects() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for corpus in CORPORA:
        for path in sorted(corpus.rglob("*.yaml")):
            try:
                documents = list(yaml.safe_load_all(path.read_text()))
            except (yaml.YAMLError, UnicodeDecodeError):
                continue  # the examples of unreadable YAML
            for index, doc in enumerate(documents):
                if isinstance(doc, dict) and isinstance(doc.get("kind"), str):
                    found.append((f"{path.relative_to(corpus.parent)}#{index}", doc))
    return found


def leaves(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaves(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from leaves(value, (*at, index))
    else:
        yield at


def mappings(node: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(node, dict):
        yield at
        for key, value in node.items():
            yield from mappings(value, (*at, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from mappings(value, (*at, index))


def at_path(obj: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        obj = obj[step]
    return obj


def broken(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`obj` with one leaf at a time made a list, a number, a string, a float, or a
    boolean or null, and one mapping at a time given an unknown field (the first 12 of
    each)."""
    for path in list(leaves(obj))[:12]:
        if len(path) < 1 or path[0] in ("apiVersion", "kind"):
            continue
        for value in (["x"], 7, "7", 1.5, True, None):
            changed = copy.deepcopy(obj)
            at_path(changed, path[:-1])[path[-1]] = value
            yield changed
    for path in list(mappings(obj))[:12]:
        changed = copy.deepcopy(obj)
        at_path(changed, path)["zzUnknown"] = 1
        yield changed


CASES = objects()


def test_the_corpora_are_there():
    ours = [name for name, _ in CASES if not name.startswith(f"{REALAPPS.name}/")]
    assert len(ours) > 1000
    if REALAPPS.is_dir():
        assert len(CASES) - len(ours) > 50


@pytest.mark.parametrize(("version", "strict"), [(VERSIONS[0], False), (VERSIONS[1], True)])
def test_precheck_agrees_with_jsonschema(version, strict):
    registry = SchemaRegistry()
    disagree = []
    verdicts = {True: 0, False: 0}
    for name, obj in CASES:
        try:
            check = registry.precheck(obj["apiVersion"], obj["kind"], version, strict)
        except (UnknownKind, KeyError, TypeError):
            continue
        assert check is not None, f"{obj['apiVersion']} {obj['kind']} does not compile"
        validator = registry.validator(obj["apiVersion"], obj["kind"], version, strict)
        for candidate in (obj, *broken(obj)):
            slow = not any(True for _ in validator.iter_errors(candidate))
            fast = check(candidate)
            verdicts[slow] += 1
            if fast != slow:
                disagree.append((name, fast, slow))
    assert disagree == []
    assert verdicts[True] > 500 and verdicts[False] > 5000


def test_problems_are_jsonschemas_with_or_without_the_precheck():
    """After FAST_AFTER objects of a kind, `problems` answers through the pre-check; the
    problems of a broken object are still jsonschema's, whole."""
    fresh = SchemaRegistry()
    deployment = next(
        obj
        for _, obj in CASES
        if obj["kind"] == "Deployment" and "spec" in obj and fresh.problems(obj, "1.31") == []
    )
    bad = copy.deepcopy(deployment)
    bad["spec"]["replicas"] = "3"
    bad["spec"]["zzUnknown"] = 1
    before = [p.message for p in fresh.problems(bad, "1.31")]
    warm = SchemaRegistry()
    for _ in range(200):
        assert warm.problems(deployment, "1.31") == []
    assert [p.message for p in warm.problems(bad, "1.31")] == before
    assert before == [
        "spec.replicas: '3' is not of type 'integer'",
        "spec.zzUnknown: unknown field 'zzUnknown'; remove it or check its spelling",
    ]


GOLDEN_CATALOGS = ("everything", "containers", "charts", "addons", "backups", "promotion-dag")

# The catalog: generator.catalog.schema passes a catalog the pre-check passes without asking
# jsonschema, so the two must agree on every catalog the tests hold and on them broken.
CATALOGS = [
    *(ROOT / "tests" / "golden" / name / "catalog.yaml" for name in GOLDEN_CATALOGS),
    ROOT / "catalog.yaml",
    ROOT.parent / "shared" / "design" / "catalog.example.yaml",
]


def broken_catalog(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """`data` with each of 100 leaves spread over it made each of several values a YAML scalar can
    be, 0 and 1 beside false and true among them; each mapping (the first 40) given an
    unknown key; and each mapping made 0 and 1: one change at a time, made in place and
    undone after its turn."""
    found = list(leaves(data))
    for path in found[:: max(1, len(found) // 100)]:
        if not path:
            continue
        parent, key = at_path(data, path[:-1]), path[-1]
        original = parent[key]
        for value in (["x"], 0, 1, "7", 1.5, False, None):
            parent[key] = value
            yield data
        parent[key] = original
    for path in list(mappings(data))[:40]:
        mapping = at_path(data, path)
        mapping["zzUnknown"] = 1
        yield data
        del mapping["zzUnknown"]
    for path in list(mappings(data))[1:]:
        parent, key = at_path(data, path[:-1]), path[-1]
        original = parent[key]
        for value in (0, 1):  # where the schema says `false` or `true` (a service, a probe)
            parent[key] = value
            yield data
        parent[key] = original


def test_catalog_precheck_agrees_with_jsonschema():
    from generator.catalog.schema import _fast_check, catalog_validator
    from generator.limits import CATALOG
    from generator.yamlio import load_plain

    check = _fast_check()
    assert check is not None
    validator = catalog_validator()
    disagree = []
    verdicts = {True: 0, False: 0}
    present = [p for p in CATALOGS if p.is_file()]
    assert len(present) >= len(GOLDEN_CATALOGS) + 1
    for path in present:
        data = load_plain(path.read_text(), CATALOG)
        if not isinstance(data, dict):
            continue
        pristine = copy.deepcopy(data)
        for candidate in itertools.chain([data], broken_catalog(data)):
            slow = validator.is_valid(candidate)
            verdicts[slow] += 1
            if check(candidate) != slow:
                disagree.append((path.name, slow))
        assert data == pristine
    assert disagree == []
    assert verdicts[True] > 100 and verdicts[False] > 2000


class DictStore:
    def __init__(self):
        self.entries: dict[str, bytes] = {}

    def get(self, name):
        return self.entries.get(name)

    def put(self, name, data):
        self.entries[name] = data


def test_a_kept_precheck_is_not_compiled_again(monkeypatch, tmp_path):
    from generator.builds import prechecks
    from generator.builds.cache import Cache
    from generator.k8s import schema_fast

    schema = {
        "$id": "https://example.com/thing.json",
        "type": "object",
        "properties": {"replicas": {"type": "integer"}, "on": {"const": False}},
        "additionalProperties": False,
    }
    verdicts = [{"replicas": 2}, {"replicas": "2"}, {"on": 0}, {"on": False}, {"zz": 1}]
    expected = [True, False, False, True, False]
    with prechecks.kept(Cache(tmp_path / "cache")):
        first = schema_fast.compile_check(schema, None, "thing")
        assert [first(v) for v in verdicts] == expected

        def refuse(*args, **kwargs):
            raise AssertionError("compiled again")

        monkeypatch.setattr(schema_fast.fastjsonschema, "compile_to_code", refuse)
        again = schema_fast.compile_check(schema, None, "thing")
        assert [again(v) for v in verdicts] == expected
        assert schema_fast.compile_check(schema, None, "another") is None  # not kept: compiles
    assert schema_fast.STORES == []


def test_a_damaged_precheck_is_compiled_again():
    from generator.k8s import schema_fast

    store = DictStore()
    schema = {"type": "object", "required": ["kind"]}
    schema_fast.STORES.append(store)
    try:
        assert schema_fast.compile_check(schema, None, "kinded")({"kind": "x"}) is True
        [key] = store.entries
        for damage in (b"", b"\x00\x01garbage", __import__("marshal").dumps(("validate", 7))):
            store.entries[key] = damage
            check = schema_fast.compile_check(schema, None, "kinded")
            assert [check({"kind": "x"}), check({})] == [True, False]
    finally:
        schema_fast.STORES.pop()


def test_a_kind_checked_in_an_earlier_run_is_compiled_at_its_first_object(monkeypatch):
    from generator.k8s import schema_fast

    compiled = []
    real = schema_fast.fastjsonschema.compile_to_code

    def counted(*args, **kwargs):
        compiled.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(schema_fast.fastjsonschema, "compile_to_code", counted)
    good = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}}
    bad = {**good, "spec": {"finalizers": "kubernetes"}}
    store = DictStore()
    schema_fast.STORES.append(store)
    try:
        runs = []
        for _ in range(3):  # each run a fresh registry, as each process has
            registry = SchemaRegistry()
            before = len(compiled)
            found = (
                registry.problems(good, "1.31"),
                [p.message for p in registry.problems(bad, "1.31")],
            )
            runs.append((len(compiled) - before, found))
    finally:
        schema_fast.STORES.pop()
    refused = ["spec.finalizers: 'kubernetes' is not of type 'array'"]
    # the first run notes the kind, the second compiles and keeps it, the third takes it
    assert runs == [(0, ([], refused)), (1, ([], refused)), (0, ([], refused))]


def test_a_batch_with_many_objects_of_a_kind_compiles_its_precheck_before_the_first(
    monkeypatch,
):
    """schema-invalid: 64 objects of a kind in one batch get the pre-check from the first
    object (jsonschema sees only the one it refuses); fewer are checked by jsonschema."""
    from generator.manifest import Manifest
    from generator.rule import RuleContext
    from generator.rules import schema as schema_rules

    registry = SchemaRegistry()
    monkeypatch.setattr(schema_rules, "default_registry", lambda: registry)
    validator = type(registry._found("v1", "ConfigMap", "1.31", True)[1].validator)
    seen = []
    real = validator.iter_errors

    def counted(self, instance, *args, **kwargs):
        seen.append(instance["metadata"]["name"])
        return real(self, instance, *args, **kwargs)

    monkeypatch.setattr(validator, "iter_errors", counted)

    def config_maps(count, prefix):
        good = [
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"{prefix}{n}"}}
            for n in range(count)
        ]
        bad = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "bad"}, "data": 1}
        return [Manifest(f"{m['metadata']['name']}.yaml", m) for m in [*good, bad]]

    ctx = RuleContext(kubernetes_version="1.31")
    findings = list(schema_rules.check_invalid(config_maps(64, "many-"), ctx))
    assert [(f.rule, f.message) for f in findings] == [
        ("schema-invalid", "ConfigMap data: 1 is not of type 'object'")
    ]
    assert seen == ["bad"]
    seen.clear()
    registry = SchemaRegistry()
    list(schema_rules.check_invalid(config_maps(3, "few-"), ctx))
    assert seen == ["few-0", "few-1", "few-2", "bad"]  # too few to earn a pre-check

"""The lint API with test-only rules: file discovery, positions, rules in force, bad input."""

from pathlib import Path

import pytest

from generator.errors import EXIT_USAGE, InputError
from generator.finding import Finding, Position, Resource, Severity
from generator.rule import ManifestRule, Rule, RuleContext
from generator.validate.lint import UnreadableInputError, lint

BROKEN = Rule("schema-test-broken", Severity.ERROR, "No kind Broken.", "Test rule.")
LABELS = Rule("workload-test-labels", Severity.WARNING, "Pods have labels.", "Test rule.")


def broken_kinds(manifests, ctx):
    for m in manifests:
        if m.kind == "Broken":
            yield BROKEN.finding(f"kind 'Broken' in {m.name!r}", m.position("kind"), m.resource)


def unlabelled_pods(manifests, ctx):
    for m in manifests:
        if m.kind == "Pod" and "labels" not in m.obj.get("metadata", {}):
            yield LABELS.finding(f"pod {m.name!r} has no labels", m.position("metadata"))


RULES = (
    ManifestRule(BROKEN, broken_kinds),
    ManifestRule(LABELS, unlabelled_pods, lambda ctx: ctx.pod_security_level == "restricted"),
)
RESTRICTED = RuleContext(kubernetes_version="1.31", pod_security_level="restricted")
BASELINE = RuleContext(kubernetes_version="1.31", pod_security_level="baseline")


def write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)


def broken(name, ns="default"):
    return f"apiVersion: v1\nkind: Broken\nmetadata:\n  name: {name}\n  namespace: {ns}\n"


def summary(result):
    return [(f.path, f.line, f.column, f.rule, f.message) for f in result.findings]


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "manifests/b.yaml", broken("b"))
    write(
        tmp_path / "manifests/sub/a.yml",
        "apiVersion: v1\nkind: List\nitems:\n"
        "  - apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: fine}\n"
        "  - apiVersion: v1\n    kind: Broken\n    metadata: {name: listed}\n",
    )
    write(tmp_path / "manifests/.hidden/x.yaml", broken("hidden"))
    write(tmp_path / "manifests/.dot.yaml", broken("dot"))
    write(tmp_path / "manifests/notes.txt", "not: yaml: at all: [")
    write(
        tmp_path / "other.yaml",
        "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n---\n# empty\n---\n" + broken("o"),
    )
    return tmp_path


def test_relative_paths_folders_lists_and_documents(tree):
    paths = [Path("manifests"), Path("other.yaml"), Path("./manifests/b.yaml")]
    result = lint(paths, RESTRICTED, RULES)
    assert result.files == 3
    assert summary(result) == [
        ("manifests/b.yaml", 2, 1, "schema-test-broken", "kind 'Broken' in 'b'"),
        ("manifests/sub/a.yml", 8, 5, "schema-test-broken", "kind 'Broken' in 'listed'"),
        ("other.yaml", 4, 1, "workload-test-labels", "pod 'p' has no labels"),
        ("other.yaml", 10, 1, "schema-test-broken", "kind 'Broken' in 'o'"),
    ]
    assert result.findings[0] == Finding(
        "schema-test-broken",
        Severity.ERROR,
        "kind 'Broken' in 'b'",
        Position("manifests/b.yaml", 2, 1),
        Resource("Broken", "b", "default"),
    )
    assert result.rules == (BROKEN, LABELS)


def test_absolute_paths_stay_absolute(tree):
    result = lint([tree / "manifests"], RESTRICTED, RULES)
    assert summary(result) == [
        (f"{tree}/manifests/b.yaml", 2, 1, "schema-test-broken", "kind 'Broken' in 'b'"),
        (f"{tree}/manifests/sub/a.yml", 8, 5, "schema-test-broken", "kind 'Broken' in 'listed'"),
    ]


def test_rules_in_force_follow_the_context(tree):
    result = lint([Path("other.yaml")], BASELINE, RULES)
    assert result.rules == (BROKEN,)
    assert summary(result) == [
        ("other.yaml", 10, 1, "schema-test-broken", "kind 'Broken' in 'o'"),
    ]


def test_empty_folder_and_no_rules(tmp_path):
    assert lint([tmp_path], RESTRICTED, RULES).files == 0
    write(tmp_path / "a.yaml", broken("a"))
    result = lint([tmp_path], RESTRICTED, ())
    assert (result.files, result.findings, result.rules) == (1, (), ())


def test_every_unreadable_input_is_reported_before_any_rule_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "good.yaml", broken("good"))
    write(tmp_path / "latin1.yaml", b"kind: ConfigMap\nname: caf\xe9\n")
    write(tmp_path / "syntax.yaml", "kind: Pod\nmetadata: {name: [\n")
    write(tmp_path / "dupe.yaml", "kind: Pod\nmetadata:\n  name: a\n  name: b\n")
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]\n"
    write(tmp_path / "bomb.yaml", bomb)
    with pytest.raises(UnreadableInputError) as caught:
        lint([Path("."), Path("missing.yaml"), Path("gone")], RESTRICTED, RULES)
    assert isinstance(caught.value, InputError)
    assert caught.value.exit_code == EXIT_USAGE
    assert str(caught.value).splitlines() == [
        "bomb.yaml:5:36: error: aliases expand to more than 100000 nodes in this file (an "
        "alias bomb?); write the values out instead of aliasing them, or raise "
        "GITOPSGEN_MAX_ALIAS_NODES",
        "dupe.yaml:4:3: error: duplicate key 'name' (first at line 3); keep one of them",
        "gone:1:1: error: gone does not exist; check the path",
        "latin1.yaml:2:10: error: latin1.yaml is not UTF-8 (byte 0xe9); save the file as UTF-8",
        "missing.yaml:1:1: error: missing.yaml does not exist; check the path",
        "syntax.yaml:3:1: error: YAML does not parse: did not find expected node content; "
        "fix the syntax at this position",
    ]


def test_a_byte_order_mark_is_accepted(tmp_path):
    write(tmp_path / "bom.yaml", "\ufeff" + broken("bom"))
    result = lint([tmp_path / "bom.yaml"], RESTRICTED, RULES)
    assert summary(result) == [
        (f"{tmp_path}/bom.yaml", 2, 1, "schema-test-broken", "kind 'Broken' in 'bom'"),
    ]


def test_a_10_mb_file_is_linted_whole(tmp_path):
    documents = []
    for i in range(20_000):
        kind = "Broken" if i % 1000 == 999 else "ConfigMap"
        documents.append(
            f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: cm-{i}\n  namespace: ns\n"
            f"data:\n  payload: '{'x' * 420}'\n"
        )
    text = "---\n" + "---\n".join(documents)
    assert len(text) > 10_000_000
    write(tmp_path / "big.yaml", text)
    result = lint([tmp_path / "big.yaml"], RESTRICTED, RULES)
    path = f"{tmp_path}/big.yaml"
    assert result.files == 1
    assert summary(result) == [
        (path, 3 + 8 * i, 1, "schema-test-broken", f"kind 'Broken' in 'cm-{i}'")
        for i in range(999, 20_000, 1000)
    ]

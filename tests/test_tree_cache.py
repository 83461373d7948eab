"""The tree rendered from a catalog is kept in the cache under the catalog's key
(generator.builds.trees): a no-op generate and a validate after generate of the same text
render nothing, and write and find exactly what they do without the cache."""

from __future__ import annotations

import json

import pytest

from generator.builds import trees
from generator.validate import tree_check
from tests.gitrepo import commit_all, init
from tests.helpers import GOLDEN, case_repo, files_only, generated_with_cache, invoke, snapshot

CASE = "everything"
GOLDEN_TREE = files_only(snapshot(GOLDEN / CASE / "tree"))


def never(*args, **kwargs):
    raise AssertionError("rendered again")


def generated(root, cache_dir) -> dict[str, bytes]:
    return generated_with_cache(root, cache_dir, CASE)


def entries(cache_dir):
    return sorted(p for p in (cache_dir / "v1" / trees.KIND).rglob("*") if p.is_file())


def test_generate_again_renders_nothing(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    assert generated(root, cache_dir) == GOLDEN_TREE
    assert len(entries(cache_dir)) == 1
    monkeypatch.setattr(trees, "render", never)
    for path in root.glob("overlays/*/*/*.yaml"):
        path.unlink()
    assert generated(root, cache_dir) == GOLDEN_TREE


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"[\x00\x00\x00\x00", b"N"])
def test_a_damaged_tree_is_rendered_again(tmp_path, damage):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    generated(root, cache_dir)
    [entry] = entries(cache_dir)
    entry.write_bytes(damage)
    for path in root.glob("base/*/*.yaml"):
        path.unlink()
    assert generated(root, cache_dir) == GOLDEN_TREE


def test_another_catalog_text_is_rendered(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    generated(root, cache_dir)
    catalog = root / "catalog.yaml"
    catalog.write_text(catalog.read_text() + "# a comment: another text, the same tree\n")
    rendered = []
    real = trees.render
    monkeypatch.setattr(trees, "render", lambda catalog: rendered.append(1) or real(catalog))
    assert generated(root, cache_dir) == GOLDEN_TREE
    assert rendered == [1]
    assert len(entries(cache_dir)) == 2


def test_validate_after_generate_renders_nothing(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    generated(root, cache_dir)
    (root / "base" / "web" / "deployment.yaml").write_text("hand-edited: drift\n")
    args = ["validate", "--root", str(root), "--format", "json"]
    expected = invoke(*args, "--no-cache")
    assert json.loads(expected.output)["findings"] != []  # the drift is found
    monkeypatch.setattr(trees, "render", never)
    got = invoke(*args, "--cache-dir", str(cache_dir))
    assert (got.exit_code, json.loads(got.output)) == (
        expected.exit_code,
        json.loads(expected.output),
    )


def test_validate_changed_after_generate_renders_nothing(tmp_path, monkeypatch):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    generated(root, cache_dir)
    init(root)
    commit_all(root, "generated")
    catalog = root / "catalog.yaml"
    catalog.write_text(catalog.read_text().replace("version: 1.5.0-rc.1", "version: 1.5.0-rc.2", 1))
    generated_now = invoke("generate", "--root", str(root), "--cache-dir", str(cache_dir))
    assert generated_now.exit_code == 0, generated_now.output
    args = ["validate", "--changed", "--root", str(root), "--format", "json"]
    expected = invoke(*args, "--no-cache")
    monkeypatch.setattr(trees, "render", never)
    monkeypatch.setattr(tree_check, "render", never)
    got = invoke(*args, "--cache-dir", str(cache_dir))
    assert (got.exit_code, json.loads(got.output)) == (
        expected.exit_code,
        json.loads(expected.output),
    )
    assert json.loads(got.output)["summary"]["files"] > 0

"""The YAML texts earlier runs dumped are kept in the cache (generator.builds.dumps): a run
that renders the same documents takes their texts from there, byte for byte what dumping
gives, and an entry that is damaged or missing only costs the time of dumping."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import yamlout
from generator.builds import dumps, trees
from generator.builds.cache import Cache
from tests.helpers import GOLDEN, case_repo, files_only, generated_with_cache, snapshot

CASE = "everything"


def forget(monkeypatch) -> None:
    """An empty in-process memo, as a new process has (the old one back after the test)."""
    for name in ("_DUMPED", "_USED", "_NEW"):
        monkeypatch.setattr(yamlout, name, type(getattr(yamlout, name))())


@pytest.fixture
def fresh_process(monkeypatch):
    forget(monkeypatch)


def generate(root: Path, cache_dir: Path) -> dict[str, bytes]:
    """Generate with the cache; the tree written (without the catalog, the case's hand-owned
    files and the lock folder). The rendered trees kept (generator.builds.trees) are removed
    first, so the run renders, and dumps what the memo does not hold."""
    shutil.rmtree(cache_dir / "v1" / trees.KIND, ignore_errors=True)
    return generated_with_cache(root, cache_dir, CASE)


def entry_files(cache_dir: Path) -> list[Path]:
    return sorted(p for p in (cache_dir / "v1" / dumps.KIND).rglob("*") if p.is_file())


GOLDEN_TREE = files_only(snapshot(GOLDEN / CASE / "tree"))


def test_a_warm_memo_renders_the_tree_without_dumping(tmp_path, fresh_process, monkeypatch):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    assert generate(root, cache_dir) == GOLDEN_TREE
    [entry] = entry_files(cache_dir)
    written = (entry.stat().st_ino, entry.read_bytes())
    forget(monkeypatch)

    def no_dump(document, sort_keys):
        raise AssertionError(f"dumped again: {document!r:.80}")

    monkeypatch.setattr(yamlout, "_dump", no_dump)
    for path in root.glob("overlays/*/*/*.yaml"):
        path.unlink()
    assert generate(root, cache_dir) == GOLDEN_TREE
    assert entry_files(cache_dir) == [entry]
    assert (entry.stat().st_ino, entry.read_bytes()) == written  # nothing new: not rewritten


@pytest.mark.parametrize("damage", ["not json", '{"key": 1}', "[]", ""])
def test_a_damaged_entry_is_dumped_again_with_the_same_bytes(tmp_path, fresh_process, damage):
    cache_dir = tmp_path / "cache"
    root = case_repo(tmp_path, CASE)
    generate(root, cache_dir)
    [entry] = entry_files(cache_dir)
    entry.write_text(damage)
    assert dumps.load(Cache(cache_dir), root) == {}
    for path in root.glob("base/*/*.yaml"):
        path.unlink()
    assert generate(root, cache_dir) == GOLDEN_TREE


def test_the_entry_keeps_what_the_run_used_first(tmp_path, fresh_process, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    cache = Cache(tmp_path / "cache")
    monkeypatch.setattr(dumps, "KEEP", 3)
    with dumps.kept(cache, root):
        assert [yamlout.dump({"old": n}) for n in range(3)] == ["old: 0\n", "old: 1\n", "old: 2\n"]
    yamlout._DUMPED.clear()
    with dumps.kept(cache, root):
        assert yamlout.dump({"old": 2}) == "old: 2\n"
        assert yamlout.dump({"new": 1}) == "new: 1\n"
    # used this run first (old: 2, new: 1), then the others while fewer than KEEP
    assert list(dumps.load(cache, root).values()) == ["old: 2\n", "new: 1\n", "old: 0\n"]


def test_a_run_that_dumps_nothing_reads_no_entry(tmp_path, fresh_process, monkeypatch):
    root = tmp_path / "root"
    root.mkdir()
    cache = Cache(tmp_path / "cache")
    with dumps.kept(cache, root):
        yamlout.dump({"kept": 1})
    yamlout._DUMPED.clear()
    reads = []
    monkeypatch.setattr(dumps, "load", lambda *args: reads.append(args) or {})
    with dumps.kept(cache, root):
        pass
    assert reads == []
    with dumps.kept(cache, root):
        yamlout.dump({"other": 1})
    assert reads == [(cache, root)]


def test_another_repository_has_its_own_entry(tmp_path, fresh_process):
    cache = Cache(tmp_path / "cache")
    for name in ("one", "two"):
        (tmp_path / name).mkdir()
        with dumps.kept(cache, tmp_path / name):
            yamlout.dump({"repository": name})
    assert len(entry_files(tmp_path / "cache")) == 2

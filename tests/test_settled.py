"""Values kept under the stats of what they were read from (generator.builds.settled): found
again while nothing changed; computed again after a write, an entry added to a folder, a
missing path created or a link pointed elsewhere; never kept from a path written just
before or during the run, whose bytes its stat does not pin down."""

import os
import time

import pytest

from generator.builds import settled
from generator.builds.cache import Cache
from generator.builds.settled import Settled


@pytest.fixture
def every_path_settled(monkeypatch):
    """Every path counts as settled, however new (the tests' files were just written)."""
    monkeypatch.setattr(settled, "SETTLED_NS", -3600 * 10**9)


def run(tmp_path, scope=("test",)):
    return Settled(Cache(tmp_path / "cache"), list(scope))


@pytest.fixture
def paths(tmp_path):
    (tmp_path / "folder").mkdir()
    (tmp_path / "folder" / "kustomization.yaml").write_text("resources: []\n")
    (tmp_path / "other.yaml").write_text("kind: A\n")
    os.symlink(tmp_path / "other.yaml", tmp_path / "link.yaml")
    return {
        "file": tmp_path / "folder" / "kustomization.yaml",
        "folder": tmp_path / "folder",
        "missing": tmp_path / "missing.yaml",
        "link": tmp_path / "link.yaml",
    }


def keep(tmp_path, paths, value="the value"):
    first = run(tmp_path)
    first.put("name", [str(p) for p in paths.values()], value)
    first.save()


CHANGES = {
    "a write to a file": lambda p: p["file"].write_text("resources: [a.yaml]\n"),
    "an entry added to a folder": lambda p: (p["folder"] / "a.yaml").write_text("kind: B\n"),
    "a missing path created": lambda p: p["missing"].write_text("kind: C\n"),
    "a link pointed elsewhere": lambda p: (
        p["link"].unlink(),
        os.symlink(p["file"], p["link"]),
    ),
}


@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_a_value_is_found_again_until_a_path_changes(tmp_path, paths, every_path_settled, change):
    keep(tmp_path, paths)
    assert run(tmp_path).get("name") == "the value"
    CHANGES[change](paths)
    assert run(tmp_path).get("name") is None
    keep(tmp_path, paths, "computed again")
    assert run(tmp_path).get("name") == "computed again"


def test_values_are_apart_by_name_and_scope(tmp_path, paths, every_path_settled):
    keep(tmp_path, paths)
    assert run(tmp_path).get("other") is None
    assert run(tmp_path, ("another scope",)).get("name") is None
    assert run(tmp_path).get("name") == "the value"


def test_a_path_written_just_before_the_run_is_not_kept(tmp_path, paths):
    keep(tmp_path, paths)  # the files were just written: their bytes may change unseen
    assert run(tmp_path).get("name") is None
    assert not (tmp_path / "cache").exists()  # nothing was kept, so nothing was written


def test_a_path_older_than_the_grain_is_kept(tmp_path, paths, monkeypatch):
    now = time.time_ns()
    monkeypatch.setattr(settled.time, "time_ns", lambda: now + settled.SETTLED_NS + 10**9)
    keep(tmp_path, paths)  # this run started a while after the last write
    assert run(tmp_path).get("name") == "the value"


def test_unchanged_means_settled_at_the_first_stat_and_the_same_since(tmp_path, paths):
    memo = run(tmp_path)
    file = str(paths["file"])
    assert memo.stat(file) is not None
    assert not memo.unchanged([file])  # written just now: not settled
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(settled, "SETTLED_NS", -3600 * 10**9)
        memo = run(tmp_path)
        assert not memo.unchanged([file])  # never stated in this run
        memo.stat(file)
        assert memo.unchanged([file])
        paths["file"].write_text("resources: [changed.yaml]\n")
        assert not memo.unchanged([file])


def test_a_damaged_entry_is_computed_again(tmp_path, paths, every_path_settled):
    keep(tmp_path, paths)
    for entry in (tmp_path / "cache").rglob("*"):
        if entry.is_file() and "settled" in entry.parts:
            entry.write_bytes(b"\x00not marshal")
    assert run(tmp_path).get("name") is None

"""Staged files are synced several at once (generator.writing.durable.together), many of
them with one syncfs of their file system (durable.synced); a sync that fails still
refuses the write, names the file, and leaves the tree as it was."""

from __future__ import annotations

import errno
import re

from generator.api import Repository, generate
from generator.writing import durable, transaction_steps
from tests.helpers import CATALOGS, invoke, make_repo, snapshot, without_state

EXAMPLE = (CATALOGS / "example.yaml").read_text()
NEXT = EXAMPLE.replace("  worker:  ", "  helper:  ").replace("version: 1.4.2", "version: 1.4.3")


def test_together_gives_each_paths_error_in_order(tmp_path):
    paths = [tmp_path / f"f{n}" for n in range(20)]
    for path in paths[::2]:
        path.write_text("x")
    errors = durable.together(paths, durable.sync_file)
    assert [e is None for e in errors] == [n % 2 == 0 for n in range(20)]
    assert all(e.errno == errno.ENOENT for e in errors[1::2])
    assert durable.together([], durable.sync_file) == []


def test_a_failed_sync_refuses_the_write_and_changes_nothing(tmp_path, monkeypatch):
    root = make_repo(tmp_path, EXAMPLE)
    generate(Repository.at(root))
    (root / "catalog.yaml").write_text(NEXT)
    before = without_state(snapshot(root))
    synced: list[str] = []

    def failing(path):
        synced.append(path.name)
        if len(synced) == 3:
            raise OSError(errno.EIO, "Input/output error")
        durable.sync_file(path)

    monkeypatch.setattr(transaction_steps, "sync_file", failing)
    monkeypatch.setattr(durable, "syncfs", lambda path: False)  # each file synced on its own
    done = invoke("generate", "--root", str(root))
    assert done.exit_code == 2, done.output
    assert re.fullmatch(
        r"(?P<path>\S+):1:1: error: cannot write (?P=path): Input/output error; .*\n",
        done.stderr,
    ), done.stderr
    assert len(synced) > 3  # the others were synced meanwhile
    assert without_state(snapshot(root)) == before


def test_many_files_are_synced_with_one_syncfs_of_their_file_system(tmp_path, monkeypatch):
    paths = [tmp_path / f"f{n}" for n in range(durable.SYNCFS_FROM)]
    for path in paths:
        path.write_text("x")
    calls: list[tuple[str, object]] = []
    real = durable.syncfs
    monkeypatch.setattr(durable, "syncfs", lambda path: calls.append(("fs", path)) or real(path))
    each = lambda path: calls.append(("file", path.name))  # noqa: E731
    assert durable.syncfs_works()  # Linux 5.8 or later (CI's too)
    assert durable.synced(paths, each) == [None] * len(paths)
    assert calls == [("fs", paths[0])]
    calls.clear()
    assert durable.synced(paths[:-1], each) == [None] * (len(paths) - 1)  # a few: each
    assert calls == [("file", p.name) for p in paths[:-1]]


def test_a_failed_syncfs_syncs_each_file_and_names_the_one_that_fails(tmp_path, monkeypatch):
    paths = [tmp_path / f"f{n}" for n in range(durable.SYNCFS_FROM)]
    for path in paths[1:]:
        path.write_text("x")
    monkeypatch.setattr(durable, "syncfs", lambda path: False)
    errors = durable.synced(paths, durable.sync_file)
    assert [e is None for e in errors] == [False] + [True] * (len(paths) - 1)
    assert errors[0] is not None and errors[0].errno == errno.ENOENT


def test_a_generate_of_many_files_syncs_their_file_system_once(tmp_path, monkeypatch):
    root = make_repo(tmp_path, EXAMPLE)
    calls: list[str] = []
    real = durable.syncfs
    monkeypatch.setattr(durable, "syncfs", lambda path: calls.append(path.name) or real(path))
    monkeypatch.setattr(transaction_steps, "sync_file", lambda path: calls.append("each"))
    generate(Repository.at(root))
    # The staged files once (by the first of them), the folders once staged and once renamed
    # into place (by the first folder), and never a file on its own.
    staged, *folders = calls
    assert staged.startswith("._namespace.yaml.gitopsgen-") and staged.endswith(".new")
    assert folders == ["dev", "dev"]

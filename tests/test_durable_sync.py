"""Staged files are synced several at once (generator.writing.durable.together); a sync
that fails still refuses the write, names the file, and leaves the tree as it was."""

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
    done = invoke("generate", "--root", str(root))
    assert done.exit_code == 2, done.output
    assert re.fullmatch(
        r"(?P<path>\S+):1:1: error: cannot write (?P=path): Input/output error; .*\n",
        done.stderr,
    ), done.stderr
    assert len(synced) > 3  # the others were synced meanwhile
    assert without_state(snapshot(root)) == before

"""generator.beside: work in a forked child while this process does something else, with the
outcome of the same call made here; and `generate`, which checks what the catalog renders
that way while it renders the tree, writes the same tree and refuses the same catalogs.

The test workers run threads of their own, where no child is forked: the forked path runs
in processes of its own here (a script, and the real command)."""

import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest
from click.testing import CliRunner

from generator import beside
from generator.api import Repository, generate
from generator.cli.main import main
from tests.helpers import ROOT, make_repo, snapshot
from tests.test_validate import CLEAN

SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from generator.beside import beside, can_fork

    def fails():
        raise ValueError("no such app: web")

    def dies_meanwhile():
        raise KeyError("meanwhile")

    out = {"can_fork": can_fork(), "pid": os.getpid()}
    out["pids"] = beside(os.getpid, os.getpid)
    try:
        beside(fails, lambda: 1)
    except ValueError as exc:
        out["raised"] = str(exc)
    # A lambda does not pickle: the child hands nothing back and the work runs here.
    found, _ = beside(lambda: (lambda: os.getpid()), lambda: None)
    out["unpicklable"] = found()
    try:
        beside(lambda: os.getpid(), dies_meanwhile)
    except KeyError as exc:
        out["meanwhile"] = str(exc)
    try:
        os.waitpid(-1, os.WNOHANG)
        out["children"] = "left"
    except ChildProcessError:
        out["children"] = "none"
    print(json.dumps(out))
    """
)


@pytest.mark.skipif(
    not hasattr(os, "fork") or sys.platform == "darwin",
    reason="beside forks only where os.fork is safe: POSIX outside macOS",
)
def test_work_runs_in_a_child_with_the_outcome_of_the_same_call_here():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    out = json.loads(done.stdout)
    pid = out.pop("pid")
    child, here = out.pop("pids")
    assert (child != pid, here) == (True, pid)
    assert out == {
        "can_fork": (os.cpu_count() or 1) > 1,
        "raised": "no such app: web",
        "unpicklable": pid,
        "meanwhile": "'meanwhile'",
        "children": "none",  # every child reaped
    }


def test_with_another_thread_running_the_work_runs_here_alone():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        ran = []
        assert beside.can_fork() is False
        assert beside.beside(os.getpid, lambda: ran.append(1)) == (os.getpid(), None)
        assert ran == []
    finally:
        stop.set()
        other.join()


def test_no_fork_with_helms_go_runtime_loaded(monkeypatch):
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.delitem(sys.modules, beside.GO_RUNTIME, raising=False)
    alone = beside.can_fork()
    monkeypatch.setitem(sys.modules, beside.GO_RUNTIME, object())
    assert (alone, beside.can_fork()) == (hasattr(os, "fork") and sys.platform != "darwin", False)


# The command, counting the children it forks (the last line of its stderr).
COUNTING = textwrap.dedent(
    """
    import os, sys
    real, forks = os.fork, []
    def fork():
        pid = real()
        forks.append(pid) if pid else None
        return pid
    os.fork = fork
    from generator.cli.main import main
    try:
        main(sys.argv[1:])
    finally:
        print(f"forks: {len(forks)}", file=sys.stderr)
    """
)


def gitopsgen(root, *args):
    """A real run: (exit code, stdout, stderr without the count, children forked)."""
    done = subprocess.run(
        [sys.executable, "-c", COUNTING, *args, "--root", str(root)],
        env={**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(root.parent / "xdg")},
        capture_output=True,
        text=True,
        timeout=600,
    )
    stderr, _, count = done.stderr.rpartition("forks: ")
    return done.returncode, done.stdout, stderr, int(count)


FORKS = 1 if hasattr(os, "fork") and sys.platform != "darwin" and (os.cpu_count() or 1) > 1 else 0


def test_generate_with_the_check_in_a_child_writes_the_tree_of_one_process(tmp_path):
    forked = make_repo(tmp_path, ROOT / "catalog.yaml", "forked")
    alone = make_repo(tmp_path, ROOT / "catalog.yaml", "alone")
    code, stdout, stderr, forks = gitopsgen(forked, "generate")
    generate(Repository.at(alone))  # in this process: the check runs here, not in a child
    assert (code, stdout, stderr, forks) == (
        0,
        "wrote 130 files, removed 0, 0 unchanged (from catalog.yaml)\n",
        "",
        FORKS,
    )
    assert snapshot(forked) == snapshot(alone)


def test_generate_with_the_check_in_a_child_refuses_the_same_catalog(tmp_path):
    refused = CLEAN.replace('      requests.cpu: "4"\n', '      requests.cpu: "500m"\n', 1)
    forked = make_repo(tmp_path, refused, "forked")
    alone = make_repo(tmp_path, refused, "alone")
    code, stdout, stderr, forks = gitopsgen(forked, "generate")
    here = CliRunner().invoke(main, ["generate", "--root", str(alone)])
    assert (code, stdout, stderr, forks) == (here.exit_code, "", here.stderr, FORKS)
    assert code == 1 and stderr.endswith("(quota-exceeded)\n")
    assert snapshot(forked) == {"catalog.yaml": refused.encode()}

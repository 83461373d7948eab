"""Writing under faults: a full disk, a read-only mount, immutable files and folders, a denied
folder, `kill -9` at every step of a run, two runs at once; and what the writer reads and
owns: header lookalikes, temporary files of killed runs, giant stray files.

Each fault is made for real (a tiny tmpfs, a read-only bind mount, `chattr +i`, a process
without CAP_DAC_OVERRIDE) and a case is skipped, with the reason, only where this machine
cannot make it. The runs are real subprocesses (`python -m generator`); the test seam of
generator.writing.breakpoints stops one at a named point so it can be killed or its disk changed.
Every case asserts the whole tree: byte-identical to before, or exactly one catalog's output,
with the catalog and the tree of a `promote` consistent (`generate --check` clean).
"""

import errno
import os
import re
import resource
import signal
import subprocess
import sys
import time

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from generator.constants import header
from generator.validate.repository import validate
from generator.writer import plan
from generator.writing.breakpoints import FOLDER_VARIABLE, POINT_VARIABLE
from generator.writing.staging import is_staged
from tests.helpers import CATALOGS, ROOT, files_only, make_repo, snapshot, without_state

EXAMPLE = (CATALOGS / "example.yaml").read_text()
# Renames an app (new folders, removed files and folders), moves the repository (every
# Application rewritten) and bumps a version.
NEXT = (
    EXAMPLE.replace("  worker:  ", "  helper:  ")
    .replace("https://github.com/example/gitops.git", "https://github.com/example/gitops-next.git")
    .replace("version: 1.4.2", "version: 1.4.3")
)
HANDWRITTEN = (CATALOGS / "promote-handwritten.yaml").read_text()
PROMOTION = ("cron", "--to", "staging", "--force")  # the catalog, a new folder, two new files
BEFORE_COMMIT = ("locked", "prepared", "staging", "staged")
AFTER_COMMIT = ("committed", "applying", "applied")
PAGE = 4096
EPERM_REMEDY = (
    "it or its folder is protected (an immutable or append-only attribute: see 'lsattr'; "
    "remove it with 'chattr -i'), or owned by someone else"
)
EROFS_REMEDY = (
    "its file system is mounted read-only; remount it read-write, or work in a writable checkout"
)


def gitopsgen(*args, env=None, prefix=(), memory=None):
    """A real run; `memory` caps its address space (RLIMIT_AS)."""

    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return subprocess.run(
        [*prefix, sys.executable, "-m", "generator", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=cap if memory else None,
    )


def started(*args, env=None):
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def paused(folder, points, *args, env=None):
    """A run stopped at the first of `points` (comma-separated) it reaches."""
    folder.mkdir(exist_ok=True)
    run = started(*args, env={POINT_VARIABLE: points, FOLDER_VARIABLE: str(folder), **(env or {})})
    wait_for(folder, points.split(",")[0], run)
    return run


def wait_for(folder, point, run):
    deadline = time.monotonic() + 300
    while not (folder / point).exists():
        if run.poll() is not None:
            pytest.fail(f"the run ended before '{point}': {run.communicate()}")
        if time.monotonic() > deadline:
            run.kill()
            pytest.fail(f"the run never reached '{point}'")
        time.sleep(0.01)
    assert (folder / point).read_text() == f"{run.pid}\n"


def go(folder, point):
    (folder / f"{point}.go").touch()


def kill(run):
    os.kill(run.pid, signal.SIGKILL)
    run.communicate()
    assert run.returncode == -signal.SIGKILL


def generated(parent, catalog, name="repo"):
    root = make_repo(parent, catalog, name)
    generate(Repository.at(root))
    return root


def edit(root, text):
    (root / "catalog.yaml").write_text(text)


def promoted(parent, catalog, *args, name="promoted"):
    root = generated(parent, catalog, name)
    result = CliRunner().invoke(main, ["promote", *args, "--root", str(root)])
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    """Whole snapshots (files and folders) of the outcomes the cases may end in."""
    parent = tmp_path_factory.mktemp("references")
    moved = generated(parent, EXAMPLE, "moved")
    edit(moved, NEXT)
    result = CliRunner().invoke(main, ["generate", "--root", str(moved)])
    assert result.exit_code == 0
    return {
        "new": snapshot(generated(parent, NEXT, "new")),
        "moved": snapshot(moved),
        "new-stdout": result.stdout,
        "unpromoted": snapshot(generated(parent, HANDWRITTEN, "unpromoted")),
        "promoted": snapshot(promoted(parent, HANDWRITTEN, *PROMOTION)),
    }


def test_the_references_differ_as_the_cases_need(refs):
    assert refs["moved"] == refs["new"]  # converging from the old tree removes empty folders
    old, new = files_only(refs["unpromoted"]), files_only(refs["promoted"])
    assert sorted(p for p in old.keys() | new.keys() if old.get(p) != new.get(p)) == [
        ".github/CODEOWNERS",  # cron's base is no longer only dev's: its owners change
        "argocd/apps/staging/cron.yaml",
        "argocd/root/main.yaml",  # the root lists every file it syncs
        "catalog.yaml",
        "overlays/staging/cron/kustomization.yaml",
    ]


def visible(tree):
    """The files a person sees: no state folder, no staged files."""
    return {
        p: b
        for p, b in files_only(without_state(tree)).items()
        if not is_staged(p.rsplit("/", 1)[-1])
    }


def staged_files(root):
    return sorted(p for p in files_only(snapshot(root)) if is_staged(p.rsplit("/", 1)[-1]))


def assert_each_old_or_new(root, old, new):
    now = visible(snapshot(root))
    old, new = visible(old), visible(new)
    assert [p for p, data in now.items() if data not in (old.get(p), new.get(p))] == []
    assert sorted((old.keys() & new.keys()) - now.keys()) == []  # replaced, never missing


def settled(tree):
    """A whole snapshot, but for who held the lock last (a killed holder cannot clear it)."""
    return {p: b"" if p == ".gitopsgen/lock" else b for p, b in tree.items()}


def converges(root, expected, stdout=None):
    done = gitopsgen("generate", "--root", str(root))
    assert (done.returncode, done.stderr) == (0, "")
    if stdout is not None:
        assert done.stdout == stdout
    assert settled(snapshot(root)) == expected
    check = gitopsgen("generate", "--check", "--root", str(root))
    assert (check.returncode, check.stderr) == (0, ""), check.stdout


def refused(done, pattern):
    assert (done.returncode, done.stdout) == (2, "")
    found = re.fullmatch(pattern, done.stderr)
    assert found, done.stderr
    return found


# Faults, made for real: each is undone at the end of the test (or earlier, by `undo`).


class Faults:
    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.undos = []

    def undo(self):
        while self.undos:
            self.undos.pop()()

    def _run(self, *command):
        try:
            done = subprocess.run(command, capture_output=True, text=True)
        except FileNotFoundError as exc:
            return f"{command[0]} is not installed ({exc})"
        return None if done.returncode == 0 else (done.stderr.strip() or f"exit {done.returncode}")

    def small_disk(self, size):
        where = self.tmp_path / "disk"
        where.mkdir()
        error = self._run("mount", "-t", "tmpfs", "-o", f"size={size}", "gitopsgen", str(where))
        if error:
            pytest.skip(f"the full-disk case needs a small tmpfs, and mounting one failed: {error}")
        self.undos.append(lambda: subprocess.run(["umount", str(where)], check=True))
        return where

    def read_only(self, path, view=None):
        view = view or path
        if view != path:
            view.mkdir()
        error = self._run("mount", "--bind", str(path), str(view))
        if error:
            pytest.skip(f"the read-only cases need a bind mount, and it failed: {error}")
        self.undos.append(lambda: subprocess.run(["umount", str(view)], check=True))
        error = self._run("mount", "-o", "remount,bind,ro", str(view))
        if error:
            pytest.skip(f"remounting a bind mount read-only failed: {error}")
        try:
            (view / ".probe").touch()
        except OSError as exc:
            assert exc.errno == errno.EROFS
        else:
            pytest.skip("a read-only bind mount still accepts writes here")
        return view

    def immutable(self, path):
        probe = self.tmp_path / "immutable-probe"
        probe.write_text("x")
        error = self._run("chattr", "+i", str(probe))
        if error:
            pytest.skip(f"the immutable cases need 'chattr +i', which failed here: {error}")
        try:
            probe.write_text("y")
            pytest.skip("'chattr +i' does not stop writes on this file system")
        except PermissionError:
            pass
        finally:
            self._run("chattr", "-i", str(probe))
        assert self._run("chattr", "+i", str(path)) is None
        self.undos.append(lambda: self._run("chattr", "-i", str(path)))

    def denied(self, folder):
        """`folder` cannot be written by the runs started with the prefix returned."""
        prefix = []
        if os.geteuid() == 0:  # root writes anywhere: drop the capabilities that let it
            drop = "-dac_override,-dac_read_search"
            prefix = ["setpriv", f"--bounding-set={drop}", "--"]
            probe = self.tmp_path / "denied-probe"
            probe.mkdir(mode=0o555)
            error = self._run(*prefix, "touch", str(probe / "x"))
            if error is None:
                pytest.skip("dropping CAP_DAC_OVERRIDE does not stop root's writes here")
            if "Permission denied" not in error:
                pytest.skip(f"the permission case needs setpriv, which failed: {error}")
        folder.chmod(0o555)
        self.undos.append(lambda: folder.chmod(0o755))
        return prefix


@pytest.fixture()
def faults(tmp_path):
    made = Faults(tmp_path)
    yield made
    made.undo()


def fill(disk, leave):
    """Fill `disk` but for `leave` bytes; the filler to remove."""
    filler = disk / "filler"
    handle = os.open(filler, os.O_WRONLY | os.O_CREAT)
    size = 0
    for block in (1 << 16, PAGE):
        try:
            while True:
                size += os.write(handle, b"\0" * block)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    os.ftruncate(handle, max(size - leave, 0))
    os.close(handle)
    return filler


FULL = (
    r"(?P<path>\S+):1:1: error: cannot write (?P=path): No space left on device; free some "
    r"space on that file system, then run the command again \(nothing was changed\)\n"
)


@pytest.mark.parametrize("room", [0, 6], ids=["no-room-for-the-journal", "room-for-a-few-files"])
def test_full_disk_generate_changes_nothing(faults, refs, room):
    root = generated(faults.small_disk("4m"), EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    filler = fill(root.parent, room * PAGE)
    found = refused(gitopsgen("generate", "--root", str(root)), FULL)
    if room == 0:
        assert found["path"] == ".gitopsgen/journal.prepared"
    else:
        assert found["path"] in refs["new"]
        assert found["path"] != sorted(refs["new"])[0]  # a few files were staged first
    assert snapshot(root) == before
    filler.unlink()
    converges(root, refs["new"], refs["new-stdout"])


def test_full_disk_promote_changes_neither_catalog_nor_tree(faults, refs):
    root = generated(faults.small_disk("4m"), HANDWRITTEN)
    before = snapshot(root)
    filler = fill(root.parent, 3 * PAGE)
    refused(gitopsgen("promote", *PROMOTION, "--root", str(root)), FULL)
    assert snapshot(root) == before
    filler.unlink()
    done = gitopsgen("promote", *PROMOTION, "--root", str(root))
    assert (done.returncode, done.stderr) == (0, "")
    converges(root, refs["promoted"])


READ_ONLY = (
    r"(?P<path>overlays/\S+):1:1: error: cannot (?:write|create the folder) (?P=path): "
    r"Read-only file system; "
    + re.escape(EROFS_REMEDY)
    + r", then run the command again \(nothing was changed\)\n"
)


def test_read_only_folder_generate_changes_nothing(tmp_path, faults, refs):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    faults.read_only(root / "overlays")
    refused(gitopsgen("generate", "--root", str(root)), READ_ONLY)
    faults.undo()
    assert snapshot(root) == before
    converges(root, refs["new"], refs["new-stdout"])


def test_read_only_folder_promote_changes_neither_catalog_nor_tree(tmp_path, faults, refs):
    root = generated(tmp_path, HANDWRITTEN)
    before = snapshot(root)
    faults.read_only(root / "overlays")
    refused(gitopsgen("promote", *PROMOTION, "--root", str(root)), READ_ONLY)
    faults.undo()
    assert snapshot(root) == before


def test_read_only_checkout_generates_when_nothing_changes_and_refuses_otherwise(tmp_path, faults):
    root = generated(tmp_path, EXAMPLE)
    view = faults.read_only(root, tmp_path / "view")
    same = gitopsgen("generate", "--root", str(view))
    assert (same.returncode, same.stderr) == (0, "")
    assert same.stdout == "wrote 0 files, removed 0, 89 unchanged (from catalog.yaml)\n"
    edit(root, NEXT)
    before = snapshot(root)
    done = gitopsgen("generate", "--root", str(view))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        ".gitopsgen/lock:1:1: error: cannot open .gitopsgen/lock: Read-only file system; "
        f"{EROFS_REMEDY}, then run the command again (nothing was changed)\n"
    )
    assert snapshot(root) == before


IMMUTABLE = {
    # what is made immutable -> the file the message names and what could not be done to it
    "a-file-it-replaces": ("argocd/apps/dev/web.yaml", "argocd/apps/dev/web.yaml", "write"),
    "a-file-it-removes": ("base/worker/deployment.yaml", "base/worker/deployment.yaml", "remove"),
    "a-folder-it-writes-in": ("argocd/apps/dev", "argocd/apps/dev/_namespace.yaml", "write"),
}


@pytest.mark.parametrize("case", sorted(IMMUTABLE))
def test_immutable_generate_changes_nothing(tmp_path, faults, refs, case):
    protected, named, verb = IMMUTABLE[case]
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    faults.immutable(root / protected)
    done = gitopsgen("generate", "--root", str(root))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{named}:1:1: error: cannot {verb} {named}: Operation not permitted; {EPERM_REMEDY}, "
        "then run the command again (nothing was changed)\n"
    )
    assert snapshot(root) == before
    faults.undo()
    converges(root, refs["new"], refs["new-stdout"])


def test_promote_into_an_immutable_overlay_changes_neither_catalog_nor_tree(tmp_path, faults):
    root = generated(tmp_path, HANDWRITTEN)
    before = snapshot(root)
    overlay = "overlays/prod/web/kustomization.yaml"
    faults.immutable(root / overlay)
    done = gitopsgen("promote", "web", "--to", "prod", "--root", str(root))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{overlay}:1:1: error: cannot write {overlay}: Operation not permitted; {EPERM_REMEDY}, "
        "then run the command again (nothing was changed)\n"
    )
    assert snapshot(root) == before
    faults.undo()
    check = gitopsgen("generate", "--check", "--root", str(root))
    assert check.returncode == 0


def test_a_denied_folder_changes_nothing(tmp_path, faults, refs):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    prefix = faults.denied(root / "argocd" / "apps" / "dev")
    done = gitopsgen("generate", "--root", str(root), prefix=prefix)
    named = "argocd/apps/dev/_namespace.yaml"
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"{named}:1:1: error: cannot write {named}: Permission denied; check the permissions "
        "of the file and of its folder, then run the command again (nothing was changed)\n"
    )
    assert snapshot(root) == before
    faults.undo()
    converges(root, refs["new"], refs["new-stdout"])


def test_a_file_that_cannot_be_removed_once_others_are_replaced_puts_them_back(
    tmp_path, faults, refs
):
    """The one real failure after the first rename: a file to remove turns immutable while
    the run replaces the others. Every replaced file is put back."""
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    points = tmp_path / "points"
    run = paused(points, "committed", "generate", "--root", str(root))
    faults.immutable(root / "base/worker/deployment.yaml")
    go(points, "committed")
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 2
    named = "base/worker/deployment.yaml"
    assert stderr == (
        f"{named}:1:1: error: cannot remove {named}: Operation not permitted; {EPERM_REMEDY}, "
        "then run the command again (nothing was changed)\n"
    )
    # the link kept to undo the removal shares the immutable file, so it stays until the next run
    assert visible(snapshot(root)) == visible(before)
    assert [re.sub(r"-[0-9a-f]{12}\.", "-ID.", p) for p in staged_files(root)] == [
        "base/worker/.deployment.yaml.gitopsgen-ID.old"
    ]
    faults.undo()
    converges(root, refs["new"], refs["new-stdout"])


def test_kill_9_while_undoing_is_undone_by_the_next_run(tmp_path, faults, refs):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    points = tmp_path / "points"
    run = paused(points, "committed,undoing", "generate", "--root", str(root))
    faults.immutable(root / "base/worker/deployment.yaml")
    go(points, "committed")
    wait_for(points, "undoing", run)
    kill(run)
    assert (root / ".gitopsgen/journal.rolling-back").is_file()
    assert_each_old_or_new(root, before, refs["new"])
    faults.undo()
    converges(root, refs["new"], refs["new-stdout"])


# kill -9


@pytest.mark.parametrize("point", BEFORE_COMMIT + AFTER_COMMIT)
def test_kill_9_during_generate_leaves_old_or_new_and_the_next_run_converges(tmp_path, refs, point):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    kill(paused(tmp_path / "points", point, "generate", "--root", str(root)))
    if point in BEFORE_COMMIT:
        assert visible(snapshot(root)) == visible(before)  # no target touched yet
    assert_each_old_or_new(root, before, refs["new"])
    if point == "staging":  # created, not yet written: the 0-byte file of the issue
        tree = files_only(snapshot(root))
        assert [tree[p] for p in staged_files(root) if p.endswith(".new")] == [b""]
    # what the next run reports: the whole job if it undid the killed one, else nothing left
    stdout = (
        refs["new-stdout"]
        if point in BEFORE_COMMIT
        else ("wrote 0 files, removed 0, 89 unchanged (from catalog.yaml)\n")
    )
    converges(root, refs["new"], stdout)


@pytest.mark.parametrize("point", BEFORE_COMMIT + AFTER_COMMIT)
def test_kill_9_during_promote_leaves_catalog_and_tree_consistent(tmp_path, refs, point):
    root = generated(tmp_path, HANDWRITTEN)
    before = snapshot(root)
    kill(paused(tmp_path / "points", point, "promote", *PROMOTION, "--root", str(root)))
    assert_each_old_or_new(root, before, refs["promoted"])
    # undone before the commit point, completed after it: catalog and tree together
    converges(root, refs["unpromoted"] if point in BEFORE_COMMIT else refs["promoted"])


def test_check_after_a_kill_says_the_next_generate_finishes_the_job(tmp_path, refs):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    kill(paused(tmp_path / "points", "applying", "generate", "--root", str(root)))
    during = snapshot(root)
    check = gitopsgen("generate", "--check", "--root", str(root))
    assert (check.returncode, check.stderr) == (1, "")
    lines = check.stdout.splitlines()
    assert lines[0] == (
        "an interrupted gitopsgen run left its journal in .gitopsgen/; 'gitopsgen generate' "
        "completes or undoes it"
    )
    assert not any(".gitopsgen-" in line for line in lines)  # staged files are not drift
    assert snapshot(root) == during != before
    converges(root, refs["new"])


def test_kill_9_twice_the_second_time_while_completing(tmp_path, refs):
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    before = snapshot(root)
    kill(paused(tmp_path / "first", "applying", "generate", "--root", str(root)))
    kill(paused(tmp_path / "second", "applying", "generate", "--root", str(root)))
    assert_each_old_or_new(root, before, refs["new"])
    converges(root, refs["new"], "wrote 0 files, removed 0, 89 unchanged (from catalog.yaml)\n")


def test_a_killed_generate_is_completed_by_the_next_promote(tmp_path):
    moved = HANDWRITTEN.replace("deploy.git", "deploy-next.git")
    expected = snapshot(promoted(tmp_path, moved, *PROMOTION, name="expected"))
    root = generated(tmp_path, HANDWRITTEN)
    edit(root, moved)
    kill(paused(tmp_path / "points", "applying", "generate", "--root", str(root)))
    done = gitopsgen("promote", *PROMOTION, "--root", str(root))
    assert (done.returncode, done.stderr) == (0, "")
    assert snapshot(root) == expected


def test_a_journal_that_reaches_outside_the_tree_is_refused(tmp_path):
    root = generated(tmp_path, EXAMPLE)
    victim = tmp_path / "victim.txt"
    victim.write_text("not gitopsgen's\n")
    journal = root / ".gitopsgen" / "journal.committed"
    journal.write_text(
        '{"version": 1, "run": "0123456789ab", "pid": 1, "command": "gitopsgen generate", '
        '"writes": [], "deletes": ["../victim.txt"], "folders": []}\n'
    )
    before = snapshot(tmp_path)
    done = gitopsgen("generate", "--root", str(root))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        ".gitopsgen/journal.committed:1:1: error: .gitopsgen/journal.committed is not a journal "
        "this gitopsgen understands (path '../victim.txt'); compare the files it lists with "
        "their .gitopsgen-*.new and .old neighbours, then delete it\n"
    )
    assert settled(snapshot(tmp_path)) == settled(before)


# One writer at a time


@pytest.mark.parametrize(
    ("holder", "waiter", "command"),
    [
        (("generate",), ("generate",), "gitopsgen generate"),
        (
            ("promote", *PROMOTION),
            ("promote", "web", "--to", "prod"),
            "gitopsgen promote cron --to staging",
        ),
    ],
    ids=["generate", "promote"],
)
def test_a_second_writer_waits_then_says_who_holds_the_lock(tmp_path, holder, waiter, command):
    root = generated(tmp_path, HANDWRITTEN)
    edit(root, HANDWRITTEN.replace("deploy.git", "deploy-next.git"))
    points = tmp_path / "points"
    first = paused(points, "locked", *holder, "--root", str(root))
    during = snapshot(root)
    started = time.monotonic()
    second = gitopsgen(*waiter, "--root", str(root), env={"GITOPSGEN_LOCK_TIMEOUT": "0.5"})
    assert time.monotonic() - started >= 0.5
    assert (second.returncode, second.stdout) == (2, "")
    assert second.stderr == (
        f"error: another gitopsgen command is writing this repository: pid {first.pid} "
        f"({command}) holds .gitopsgen/lock (waited 0.5s); let it finish, then run this "
        "command again\n"
    )
    assert snapshot(root) == during
    go(points, "locked")
    first.communicate(timeout=300)
    assert first.returncode == 0
    assert (root / ".gitopsgen/lock").read_bytes() == b""  # the holder clears its name


def two_catalogs(parent, name):
    root = make_repo(parent, EXAMPLE, name)
    (root / "a.yaml").write_text(EXAMPLE)
    (root / "b.yaml").write_text(NEXT)
    return root


def output_of(parent, catalog):
    root = two_catalogs(parent, f"only-{catalog}")
    generate(Repository.at(root, root / catalog))
    return snapshot(root)


def test_a_writer_that_waits_writes_after_the_holder(tmp_path):
    root = two_catalogs(tmp_path, "repo")
    points = tmp_path / "points"
    args = ("generate", "--root", str(root), "--catalog")
    first = paused(points, "applying", *args, str(root / "a.yaml"))
    second = started(*args, str(root / "b.yaml"), env={"GITOPSGEN_LOCK_TIMEOUT": "300"})
    time.sleep(3)
    assert second.poll() is None  # waiting for the lock: the tree it would write differs
    go(points, "applying")
    assert [(r.communicate(timeout=300)[1], r.returncode) for r in (first, second)] == [
        ("", 0),
        ("", 0),
    ]
    assert snapshot(root) == output_of(tmp_path, "b.yaml")


def test_two_catalogs_at_once_end_as_exactly_one_of_them(tmp_path):
    root = two_catalogs(tmp_path, "repo")
    runs = [
        started(
            "generate",
            "--root",
            str(root),
            "--catalog",
            str(root / catalog),
            env={"GITOPSGEN_LOCK_TIMEOUT": "300"},
        )
        for catalog in ("a.yaml", "b.yaml")
    ]
    assert [(r.communicate(timeout=600)[1], r.returncode) for r in runs] == [("", 0), ("", 0)]
    assert snapshot(root) in (output_of(tmp_path, "a.yaml"), output_of(tmp_path, "b.yaml"))


def test_the_state_folder_is_never_committed(tmp_path):
    root = generated(tmp_path, EXAMPLE)
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    subprocess.run(["git", "-C", str(root), "add", "-A"], check=True)
    listed = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--cached", "--others", "--exclude-standard"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()
    assert len(listed) == 90
    assert [p for p in listed if p.startswith(".gitopsgen")] == []


# What is ours, and what is read


def test_header_lookalikes_are_never_modified_or_deleted(tmp_path):
    root = generated(tmp_path, EXAMPLE)
    lookalikes = {
        "overlays/dev/worker/notes.yaml": b"# Generated by gitopsgen? no, by me\nkind: List\n",
        "base/web/extra.yaml": (
            b"# Generated by gitopsgen from catalog.yaml. Do not edit by hand: (or so it says)\n"
        ),
        "argocd/apps/dev/mine.yaml": b"# Generated by gitopsgen from catalog.yaml. Do not edit by hand:",
        "overlays/prod/indented.yaml": (
            b" # Generated by gitopsgen from catalog.yaml. Do not edit by hand:\n"
        ),
        "base/worker/crlf.yaml": (
            b"# Generated by gitopsgen from catalog.yaml. Do not edit by hand:\r\n"
        ),
        "base/worker/empty-source.yaml": b"# Generated by gitopsgen from . Do not edit by hand:\n",
    }
    for path, data in lookalikes.items():
        (root / path).write_bytes(data)
    edit(root, NEXT)  # removes worker: the folders holding lookalikes stay, with them
    result = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert result.exit_code == 0, result.output
    tree = snapshot(root)
    assert {p: tree.get(p) for p in lookalikes} == lookalikes
    assert sorted(p for p in files_only(tree) if "/worker/" in p) == sorted(
        p for p in lookalikes if "/worker/" in p
    )
    todo, conflicts = plan(root, generate(Repository.at(root), write=False).tree)
    assert conflicts == []
    assert todo.foreign == tuple(sorted(lookalikes))
    assert not todo.drift


def test_a_header_lookalike_where_a_file_is_generated_is_refused(tmp_path):
    root = generated(tmp_path, EXAMPLE)
    target = root / "base" / "web" / "service.yaml"
    target.write_bytes(b"# Generated by gitopsgen? no, by me\nkind: Service\n")
    edit(root, NEXT)
    before = snapshot(root)
    result = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stderr == (
        "base/web/service.yaml:1:1: error: base/web/service.yaml exists and was not generated by "
        "gitopsgen; move it away (or fold it into the catalog), then run 'gitopsgen generate' "
        "again (tree-foreign-file)\n"
    )
    assert snapshot(root) == before


STALE = {
    # the writer before the journal, killed between creating and writing a temporary file
    "base/web/.service.yaml.k3j4h5g6.tmp": b"",
    # ... and killed half-way through writing one
    "overlays/dev/web/.kustomization.yaml.x_2abc9d.tmp": header("catalog.yaml").encode()[:70]
    + b"\n",
    # this writer's staged files, of a run whose journal is gone
    "argocd/apps/dev/.web.yaml.gitopsgen-0123456789ab.new": b"# Generated by gitopsgen from cat",
    "base/web/.service.yaml.gitopsgen-0123456789ab.old": b"apiVersion: v1\n",
    ".catalog.yaml.gitopsgen-0123456789ab.new": b"apiVersion: gitopsgen/v1\n",
    ".github/.CODEOWNERS.gitopsgen-0123456789ab.new": b"",
}


def test_stale_temporary_files_are_never_reported_and_the_next_run_removes_them(tmp_path):
    root = generated(tmp_path, EXAMPLE)
    users = {"overlays/dev/.notes.abcdefgh.tmp": b"named like a temporary file, but mine\n"}
    for path, data in {**STALE, **users}.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    before = snapshot(root)
    check = CliRunner().invoke(main, ["generate", "--check", "--root", str(root)])
    assert (check.exit_code, check.stdout) == (
        0,
        "the tree is up to date with catalog.yaml (89 files)\n",
    )
    repo = Repository.at(root)
    todo, _ = plan(root, generate(repo, write=False).tree, (repo.catalog_path,))
    assert (todo.foreign, sorted(todo.leftovers)) == (tuple(users), sorted(STALE))
    assert not any(p in todo.current for p in STALE)
    found = validate(repo).result.findings
    assert [(f.rule, f.position.path) for f in found if f.rule.startswith("tree-")] == [
        ("tree-stray-file", "overlays/dev/.notes.abcdefgh.tmp")
    ]
    assert [f for f in found if f.position.path in STALE] == []
    assert snapshot(root) == before
    result = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert (result.exit_code, result.stdout) == (
        0,
        "wrote 0 files, removed 0, 89 unchanged (from catalog.yaml)\n",
    )
    assert snapshot(root) == {p: b for p, b in before.items() if p not in STALE}


def test_stray_files_are_read_no_further_than_their_first_line(tmp_path, refs):
    """A 3 GiB stray file, and a 3 GiB file with the header the catalog no longer produces,
    under an address-space limit a whole read of either cannot fit in."""
    root = generated(tmp_path, EXAMPLE)
    edit(root, NEXT)
    giant = 3 << 30
    limit = 1 << 30
    stray = root / "overlays" / "dev" / "web" / "huge.bin"
    with stray.open("wb") as out:
        out.truncate(giant)  # sparse: no disk used
    ours = root / "base" / "old" / "huge.yaml"
    ours.parent.mkdir()
    with ours.open("wb") as out:
        out.write(header("catalog.yaml").encode())
        out.truncate(giant)
    whole = subprocess.run(
        [sys.executable, "-c", f"open({str(stray)!r}, 'rb').read()"],
        capture_output=True,
        text=True,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (limit, limit)),
    )
    assert whole.returncode == 1 and "MemoryError" in whole.stderr  # the limit bites
    check = gitopsgen("generate", "--check", "--root", str(root), memory=limit)
    assert (check.returncode, check.stderr) == (1, "")
    assert "base/old/huge.yaml: is no longer generated\n" in check.stdout
    done = gitopsgen("generate", "--root", str(root), memory=limit)
    assert (done.returncode, done.stderr) == (0, "")
    assert not ours.parent.exists()
    assert stray.stat().st_size == giant
    stray.unlink()
    assert snapshot(root) == refs["new"]

"""The git adapter on real repositories made with `git init` in tmp_path."""

import pytest

from generator.errors import UsageError
from generator.gitops import git as adapter
from tests.gitrepo import commit_all, git, init


def test_find_root_from_a_subfolder_and_outside(tmp_path):
    root = init(tmp_path / "repo")
    (root / "a" / "b").mkdir(parents=True)
    assert adapter.find_root(root / "a" / "b") == root.resolve()
    (tmp_path / "plain").mkdir()
    assert adapter.find_root(tmp_path / "plain") is None


def test_show_reads_a_file_at_a_revision(tmp_path):
    root = init(tmp_path / "repo")
    (root / "dir").mkdir()
    (root / "dir" / "f.txt").write_bytes(b"one\n")
    first = commit_all(root, "first")
    (root / "dir" / "f.txt").write_bytes(b"two\n")
    commit_all(root, "second")
    assert adapter.show(root, "HEAD", "dir/f.txt") == b"two\n"
    assert adapter.show(root, first, "dir/f.txt") == b"one\n"
    assert adapter.show(root, "HEAD~1", "dir/f.txt") == b"one\n"
    assert adapter.show(root, "HEAD", "dir/missing.txt") is None
    assert adapter.show(root, "HEAD", "dir") is None
    with pytest.raises(UsageError) as caught:
        adapter.show(root, "nope", "dir/f.txt")
    assert str(caught.value) == (
        f"error: git revision 'nope' does not exist in {root}; pass a branch, tag or commit id that does"
    )


def test_not_a_repository(tmp_path):
    with pytest.raises(UsageError) as caught:
        adapter.show(tmp_path, "HEAD", "x")
    assert str(caught.value) == (
        f"error: {tmp_path} is not inside a git repository; run 'git init' there (or work in a clone)"
    )


def test_changed_paths_against_the_working_tree_and_the_index(tmp_path):
    root = init(tmp_path / "repo")
    for name in ("kept", "edited", "staged", "removed", "renamed"):
        (root / name).write_text(f"{name}\n")
    base = commit_all(root, "base")
    (root / "edited").write_text("changed\n")
    (root / "staged").write_text("changed\n")
    (root / "removed").unlink()
    git(root, "mv", "renamed", "moved")
    (root / "untracked").write_text("new\n")
    git(root, "add", "staged")
    assert adapter.changed_paths(root) == (
        "edited",
        "moved",
        "removed",
        "renamed",
        "staged",
        "untracked",
    )
    assert adapter.changed_paths(root, staged=True) == ("moved", "renamed", "staged")
    git(root, "add", "-A")
    commit_all(root, "next")
    assert adapter.changed_paths(root) == ()
    assert adapter.changed_paths(root, base) == (
        "edited",
        "moved",
        "removed",
        "renamed",
        "staged",
        "untracked",
    )


def test_changed_paths_ahead_gives_the_same_answer_once(tmp_path, monkeypatch):
    root = init(tmp_path / "repo")
    (root / "kept").write_text("kept\n")
    commit_all(root, "base")
    (root / "kept").write_text("edited\n")
    (root / "new").write_text("new\n")
    with adapter.changed_paths_ahead(root, "HEAD"):
        direct = []
        real = adapter._changed_paths
        monkeypatch.setattr(
            adapter, "_changed_paths", lambda *args: direct.append(args) or real(*args)
        )
        assert adapter.changed_paths(root) == ("kept", "new")  # the thread's answer
        assert direct == []
        assert adapter.changed_paths(root) == ("kept", "new")  # asked again: git again
        assert direct == [(root, "HEAD", False)]
    with adapter.changed_paths_ahead(root, "no-such-rev"), pytest.raises(UsageError):
        adapter.changed_paths(root, "no-such-rev")  # the thread's error, at the call
    with adapter.changed_paths_ahead(root, "HEAD"):
        pass
    assert adapter._AHEAD == {}  # what was not taken is dropped


def test_changed_paths_before_the_first_commit(tmp_path):
    root = init(tmp_path / "repo")
    (root / "a").write_text("a\n")
    (root / "b").write_text("b\n")
    git(root, "add", "a")
    assert adapter.changed_paths(root, staged=True) == ("a",)
    assert adapter.changed_paths(root) == ("a", "b")
    assert adapter.history(root, "a") == ()


def test_history_lists_the_commits_that_touched_a_path_with_its_blob(tmp_path):
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_bytes(b"v: 1\n")
    first = commit_all(root, "one")
    (root / "other").write_text("x\n")
    commit_all(root, "unrelated")
    (root / "catalog.yaml").write_bytes(b"v: 2\n")
    second = commit_all(root, "two\n\nwith a body")
    (root / "catalog.yaml").unlink()
    third = commit_all(root, "three")
    found = adapter.history(root, "catalog.yaml")
    contents = [None if r.blob is None else adapter.blob_bytes(root, r.blob) for r in found]
    assert [(r.commit, r.summary, c) for r, c in zip(found, contents, strict=True)] == [
        (third, "three", None),
        (second, "two", b"v: 2\n"),
        (first, "one", b"v: 1\n"),
    ]
    blobs = [git(root, "rev-parse", f"{c}:catalog.yaml").strip() for c in (second, first)]
    assert [r.blob for r in found] == [None, *blobs]
    assert adapter.blob_id(root, second, "catalog.yaml") == blobs[0]
    assert adapter.blob_id(root, third, "catalog.yaml") is None
    assert adapter.blob_id(root, first, "other") is None
    assert all(isinstance(r.timestamp, int) and r.timestamp > 0 for r in found)
    assert [r.commit for r in adapter.history(root, "catalog.yaml", second)] == [second, first]


def test_create_branch_and_commit_exactly_the_given_paths(tmp_path):
    root = init(tmp_path / "repo")
    for name in ("a", "b", "gone", "staged-elsewhere"):
        (root / name).write_text(f"{name}\n")
    base = commit_all(root, "base")
    assert adapter.current_branch(root) == "main"
    adapter.create_branch(root, "promote/x")
    assert adapter.current_branch(root) == "promote/x"
    (root / "a").write_text("changed\n")
    (root / "new").write_text("new\n")
    (root / "gone").unlink()
    (root / "staged-elsewhere").write_text("staged\n")
    git(root, "add", "staged-elsewhere")
    (root / "b").write_text("left alone\n")
    sha = adapter.commit_paths(root, ["a", "new", "gone"], "Subject\n\nBody\n")
    assert git(root, "rev-parse", "HEAD").strip() == sha
    assert git(root, "rev-parse", "main").strip() == base
    assert git(root, "log", "--format=%s|%b", "-1") == "Subject|Body\n\n"
    assert git(root, "show", "--name-status", "--format=", "HEAD") == "M\ta\nD\tgone\nA\tnew\n"
    assert git(root, "status", "--porcelain") == " M b\nM  staged-elsewhere\n"
    assert adapter.is_dirty(root, "b") is True
    assert adapter.is_dirty(root, "a") is False


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("main", "branch 'main' already exists; pick another name or delete it"),
        ("bad..name", "'bad..name' is not a valid git branch name; use e.g. promote/web-1.4.2"),
    ],
)
def test_create_branch_refusals(tmp_path, name, message):
    root = init(tmp_path / "repo")
    (root / "a").write_text("a\n")
    commit_all(root, "base")
    with pytest.raises(UsageError) as caught:
        adapter.create_branch(root, name)
    assert str(caught.value) == f"error: {message}"
    assert adapter.current_branch(root) == "main"


def test_create_branch_without_a_commit(tmp_path):
    root = init(tmp_path / "repo")
    with pytest.raises(UsageError) as caught:
        adapter.create_branch(root, "x")
    assert str(caught.value) == f"error: {root} has no commit yet to branch from; commit first"


def test_relative_path_from_a_subfolder_root(tmp_path):
    root = init(tmp_path / "repo")
    (root / "sub").mkdir()
    assert adapter.relative(root / "sub", root / "sub" / "catalog.yaml") == "sub/catalog.yaml"

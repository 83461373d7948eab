"""The git adapter's revision reads for `diff` on real repositories: nothing in them changes."""

import pytest

from generator.errors import UsageError
from generator.gitops import git as adapter
from tests.gitrepo import commit_all, git, init


def test_export_writes_a_folder_at_a_revision_and_touches_nothing(tmp_path):
    root = init(tmp_path / "repo")
    (root / "sub" / "deep").mkdir(parents=True)
    (root / "sub" / "a.txt").write_text("one\n")
    (root / "sub" / "deep" / "b.txt").write_text("two\n")
    (root / "sub" / "link").symlink_to("a.txt")
    (root / "other.txt").write_text("other\n")
    first = commit_all(root, "first")
    (root / "sub" / "a.txt").write_text("changed\n")
    (root / "sub" / "c.txt").write_text("new\n")
    status = git(root, "status", "--porcelain")
    out = tmp_path / "out"
    assert adapter.files_at(root, first, "sub") == ("sub/a.txt", "sub/deep/b.txt", "sub/link")
    assert adapter.files_at(root, first) == ("other.txt", "sub/a.txt", "sub/deep/b.txt", "sub/link")
    assert adapter.files_at(root, first, "missing") == ()
    assert adapter.files_at(root, first, "other.txt") == ()
    assert adapter.export(root, first, "sub", out) == 3
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == [
        "sub", "sub/a.txt", "sub/deep", "sub/deep/b.txt", "sub/link",
    ]  # fmt: skip
    assert (out / "sub" / "a.txt").read_text() == "one\n"
    assert (out / "sub" / "link").is_symlink()
    assert (out / "sub" / "link").readlink().as_posix() == "a.txt"
    assert git(root, "status", "--porcelain") == status
    assert git(root, "worktree", "list", "--porcelain").count("worktree ") == 1


def test_resolve_commit_and_top(tmp_path):
    root = init(tmp_path / "repo")
    (root / "sub").mkdir()
    (root / "sub" / "f").write_text("x\n")
    head = commit_all(root, "first")
    assert adapter.resolve_commit(root / "sub", "HEAD") == head
    assert adapter.resolve_commit(root, "main") == head
    assert adapter.top(root / "sub") == root.resolve()
    with pytest.raises(UsageError) as caught:
        adapter.resolve_commit(root, "HEAD:sub")
    assert str(caught.value) == (
        f"error: git revision 'HEAD:sub' is not a commit in {root} (it names a tree); "
        "pass a branch, tag or commit id"
    )


def test_resolve_commit_without_commits(tmp_path):
    root = init(tmp_path / "repo")
    with pytest.raises(UsageError) as caught:
        adapter.resolve_commit(root, "HEAD")
    assert str(caught.value) == (
        f"error: git revision 'HEAD' does not exist in {root}; pass a branch, tag or commit id that does"
    )

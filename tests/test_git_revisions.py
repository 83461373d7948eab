"""Any revision that is not a commit of the history, or is malformed, is exit 2 with what was
given and what to try: for `validate --changed --base` and `diff --base`, on real repositories."""

import pytest
from click.testing import CliRunner

from generator.cli.main import main
from tests.gitrepo import commit_all, git, init
from tests.helpers import CATALOGS, snapshot

NOT_FOUND = "does not exist in {root}; pass a branch, tag or commit id that does"
NOT_A_COMMIT = "is not a commit in {root}; pass a branch, tag or commit id"

CASES = {
    "all-zero id": ("0" * 40, NOT_FOUND),
    "unknown short id": ("ffffffffffff", NOT_FOUND),
    "no previous checkout": ("@{-1}", NOT_FOUND),
    "beyond the history": ("HEAD~100", NOT_FOUND),
    "reflog beyond its entries": ("HEAD@{99}", NOT_FOUND),
    "no upstream": ("main@{upstream}", NOT_FOUND),
    "message search without a match": (":/no such message", NOT_FOUND),
    "unknown branch": ("nope", NOT_FOUND),
    "a range": ("HEAD~1..HEAD", NOT_FOUND),
    "a tree": (
        "HEAD^{tree}",
        "is not a commit in {root} (it names a tree); pass a branch, tag or commit id",
    ),
    "a blob": (
        "HEAD:catalog.yaml",
        "is not a commit in {root} (it names a blob); pass a branch, tag or commit id",
    ),
    "a tag of a tree": ("tree-tag", NOT_A_COMMIT),
    "an option": ("--all", "is not a revision name; pass a branch, tag or commit id"),
    "empty": ("", "is not a revision name; pass a branch, tag or commit id"),
    "blank": ("  ", "is not a revision name; pass a branch, tag or commit id"),
}


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = init(tmp_path_factory.mktemp("revisions") / "repo")
    (root / "catalog.yaml").write_text((CATALOGS / "example.yaml").read_text())
    generated = CliRunner().invoke(main, ["generate", "--root", str(root)])
    assert generated.exit_code == 0, generated.output
    commit_all(root, "catalog and tree")
    git(root, "tag", "-a", "-m", "a tag of a tree", "tree-tag", "HEAD^{tree}")
    git(root, "tag", "-a", "-m", "a release", "release")
    return root


def run(root, *args):
    return CliRunner().invoke(main, [*args, "--root", str(root)], env={"GITHUB_ACTIONS": None})


@pytest.mark.parametrize("command", [("validate", "--changed"), ("diff",)], ids=lambda c: c[0])
@pytest.mark.parametrize("case", list(CASES))
def test_bad_revision(repo, command, case):
    rev, problem = CASES[case]
    before = snapshot(repo)
    result = run(repo, *command, "--base", rev)
    assert result.exit_code == 2
    assert (result.stdout, result.stderr) == (
        "",
        f"error: git revision '{rev}' {problem.format(root=repo)}\n",
    )
    assert snapshot(repo) == before


@pytest.mark.parametrize("rev", ["release", "HEAD", "main"])
def test_good_revisions(repo, rev):
    result = run(repo, "validate", "--changed", "--base", rev)
    # Nothing changed since `rev`: the catalog is the one file in scope.
    assert (result.exit_code, result.stdout, result.stderr) == (0, "no problems in 1 file\n", "")


def test_a_shallow_clone_says_how_to_get_more_history(tmp_path):
    origin = init(tmp_path / "origin")
    (origin / "catalog.yaml").write_text((CATALOGS / "example.yaml").read_text())
    for text in ("first\n", "second\n"):
        (origin / "README.md").write_text(text)
        commit_all(origin, text)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", str(clone))
    result = run(clone, "validate", "--changed", "--base", "HEAD~1")
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: git revision 'HEAD~1' does not exist in {clone}; this clone is shallow: fetch "
        "more history (git fetch --unshallow) or pass a revision inside it\n"
    )

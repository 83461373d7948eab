"""`gitopsgen promote --branch` on real git repositories: one new commit on a new branch."""

from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from tests.gitrepo import commit_all, git, init
from tests.helpers import CATALOGS, make_repo, snapshot

B, C, D, E = ("b" * 64, "c" * 64, "d" * 64, "e" * 64)


def repo(tmp_path):
    root = make_repo(tmp_path, CATALOGS / "promote-handwritten.yaml")
    generate(Repository.at(root))
    init(root)
    base = commit_all(root, "Initial tree")
    return root, base


def promote(root, *args):
    return CliRunner().invoke(main, ["promote", *args, "--root", str(root)])


def test_branch_holds_one_commit_with_the_catalog_and_the_tree(tmp_path):
    root, base = repo(tmp_path)
    result = promote(root, "web", "--to", "prod", "--branch", "promote/web-1.5.0")
    head = git(root, "rev-parse", "HEAD").strip()
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.4.1@sha256:{C} -> 1.5.0@sha256:{B} into prod (from staging)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
        f"committed {head[:12]} on the new branch promote/web-1.5.0\n"
    )
    assert result.stderr == ""
    assert git(root, "branch", "--show-current") == "promote/web-1.5.0\n"
    assert git(root, "rev-parse", "main").strip() == base
    assert git(root, "rev-list", f"{base}..HEAD") == f"{head}\n"
    assert git(root, "log", "-1", "--format=%B") == (
        f"Promote web 1.5.0 to prod (from staging)\n\n- web: 1.4.1@sha256:{C} -> 1.5.0@sha256:{B}\n\n"
    )
    assert git(root, "show", "--name-status", "--format=", "HEAD") == (
        "M\tcatalog.yaml\nM\toverlays/prod/web/kustomization.yaml\n"
    )
    assert git(root, "status", "--porcelain") == ""
    assert git(root, "show", "HEAD:catalog.yaml").encode() == (root / "catalog.yaml").read_bytes()


def test_branch_with_several_apps_lists_them(tmp_path):
    root, base = repo(tmp_path)
    result = promote(root, "--all", "--to", "prod", "--branch", "release")
    assert result.exit_code == 0
    assert git(root, "log", "-1", "--format=%B") == (
        "Promote 2 apps to prod (from staging)\n\n"
        f"- web: 1.4.1@sha256:{C} -> 1.5.0@sha256:{B}\n"
        f"- worker: 3.0.0@sha256:{E} -> 3.1.0@sha256:{D}\n\n"
    )
    assert git(root, "show", "--name-status", "--format=", "HEAD") == (
        "M\tcatalog.yaml\n"
        "M\toverlays/prod/web/kustomization.yaml\n"
        "M\toverlays/prod/worker/kustomization.yaml\n"
    )
    assert git(root, "rev-list", "--count", f"{base}..release") == "1\n"


def test_branch_commits_new_tree_files_and_leaves_other_changes_alone(tmp_path):
    root, _ = repo(tmp_path)
    (root / "notes.txt").write_text("mine\n")
    git(root, "add", "notes.txt")
    result = promote(root, "cron", "--to", "staging", "--force", "--branch", "cron")
    assert result.exit_code == 0
    assert git(root, "show", "--name-status", "--format=", "HEAD") == (
        "M\t.github/CODEOWNERS\n"
        "A\targocd/apps/staging/cron.yaml\n"
        "M\targocd/root/main.yaml\n"
        "M\tcatalog.yaml\n"
        "A\toverlays/staging/cron/kustomization.yaml\n"
    )
    assert git(root, "status", "--porcelain") == "A  notes.txt\n"


def worktree(root):
    return {p: b for p, b in snapshot(root).items() if not p.startswith(".git/")}


def refused(root, args, code, stderr):
    before = worktree(root)
    head = git(root, "rev-parse", "HEAD")
    result = promote(root, *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == stderr
    assert worktree(root) == before
    assert git(root, "rev-parse", "HEAD") == head
    assert git(root, "branch", "--show-current") == "main\n"


def test_existing_branch_is_refused(tmp_path):
    root, _ = repo(tmp_path)
    git(root, "branch", "taken")
    refused(
        root,
        ["web", "--to", "prod", "--branch", "taken"],
        2,
        "error: branch 'taken' already exists; pick another name or delete it\n",
    )


def test_uncommitted_catalog_is_refused(tmp_path):
    root, _ = repo(tmp_path)
    catalog = root / "catalog.yaml"
    catalog.write_bytes(catalog.read_bytes() + b"# a note\n")
    refused(
        root,
        ["web", "--to", "prod", "--branch", "b"],
        2,
        "error: catalog.yaml has uncommitted changes; commit or stash them first, or drop --branch\n",
    )


def test_refusal_creates_no_branch(tmp_path):
    root, _ = repo(tmp_path)
    refused(
        root,
        ["api", "--to", "staging", "--branch", "b"],
        1,
        "catalog.yaml:75:17: error: api v2.1.0 in dev is older than v2.2.0 in staging; pass --force to roll staging back\n",
    )
    assert git(root, "branch", "--list", "b") == ""


def test_branch_outside_a_repository(tmp_path):
    root = make_repo(tmp_path, CATALOGS / "promote-handwritten.yaml")
    generate(Repository.at(root))
    before = snapshot(root)
    result = promote(root, "web", "--to", "prod", "--branch", "b")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"error: {root} is not inside a git repository; run 'git init' or drop --branch\n"
    )
    assert snapshot(root) == before

"""The hooks of .pre-commit-hooks.yaml, installed by real pre-commit (`repo:` + `rev:`) from a
git snapshot of this working tree into a real git repository that uses gitopsgen: bad commits
are refused with the finding, a good commit lands.

pre-commit builds the hook environment (a virtualenv with gitopsgen and its dependencies from
the package index) once per session in a temporary PRE_COMMIT_HOME; every test reuses it.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.api import Repository, generate
from tests.gitrepo import commit_all, git, init
from tests.helpers import ROOT
from tests.test_validate import CLEAN

HOOKS = ("gitopsgen-generate-check", "gitopsgen-validate")
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def snapshot_repo(target: Path) -> tuple[Path, str]:
    """This working tree as pre-commit would clone it: tracked and untracked non-ignored files."""
    listed = git(ROOT, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    init(target)
    for rel in sorted(set(filter(None, listed.split("\0")))):
        source = ROOT / rel
        if source.is_file():  # a tracked file deleted in the working tree is not copied
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / rel, follow_symlinks=False)
    return target, commit_all(target, "snapshot of the working tree")


def clean_env(home: Path) -> dict[str, str]:
    # Nothing of the caller's git, pre-commit or GitHub Actions state leaks in (under Actions,
    # `gitopsgen validate` would default to annotations instead of text).
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_")) and k not in ("SKIP", "CI")
    }
    env["PRE_COMMIT_HOME"] = str(home)
    return env


def config(hook_repo: Path, rev: str) -> str:
    hooks = "".join(f"      - id: {hook}\n" for hook in HOOKS)
    return f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n{hooks}"


def user_repo(root: Path, hook_repo: Path, rev: str, env: dict[str, str]) -> Path:
    """A repository that uses gitopsgen: the clean example catalog, its tree, the hooks."""
    init(root)
    (root / "catalog.yaml").write_text(CLEAN)
    generate(Repository.at(root))
    (root / ".pre-commit-config.yaml").write_text(config(hook_repo, rev))
    commit_all(root, "gitops tree from catalog.yaml")
    run(root, env, *PRE_COMMIT, "install")
    return root


def run(root: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args, cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def hooks(tmp_path_factory):
    """The hook repository and a PRE_COMMIT_HOME with its environment already built."""
    base = tmp_path_factory.mktemp("precommit")
    hook_repo, rev = snapshot_repo(base / "hook-repo")
    env = clean_env(base / "pre-commit-home")
    first = user_repo(base / "first-user", hook_repo, rev, env)
    installed = run(first, env, *PRE_COMMIT, "install-hooks")
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return hook_repo, rev, env


@pytest.fixture
def repo(tmp_path, hooks):
    hook_repo, rev, env = hooks
    root = user_repo(tmp_path / "user", hook_repo, rev, env)
    return root, env


def commit(root: Path, env: dict[str, str], message: str) -> tuple[int, str]:
    """git's exit code and what pre-commit printed (git sends a hook's stdout to stderr)."""
    run(root, env, "git", "add", "-A")
    done = run(root, env, "git", "commit", "-q", "-m", message)
    assert done.stdout == ""
    # The hook environment was built once, by the fixture: no commit installs anything.
    assert "[INFO]" not in done.stderr
    return done.returncode, done.stderr


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


STATUS = re.compile(r"^(\S.*?)\.+(?:\(no files to check\))?(Passed|Failed|Skipped)$")


def report(output: str) -> dict[str, tuple[str, str]]:
    """pre-commit's report, per hook name: its status and what it printed below that line."""
    found: dict[str, tuple[str, list[str]]] = {}
    below: list[str] = []
    for line in output.splitlines():
        if matched := STATUS.match(line):
            below = []
            found[matched[1]] = (matched[2], below)
        else:
            below.append(line)
    return {name: (state, "\n".join(lines).strip("\n")) for name, (state, lines) in found.items()}


def test_hand_edit_of_a_generated_file_is_refused(repo):
    root, env = repo
    before = head(root)
    overlay = root / "overlays" / "dev" / "web" / "kustomization.yaml"
    overlay.write_text(overlay.read_text().replace("LOG_LEVEL=debug", "LOG_LEVEL=trace"))
    code, output = commit(root, env, "quick fix of the dev log level")
    assert code == 1
    assert head(root) == before
    assert report(output) == {
        "gitopsgen generate --check": (
            "Failed",
            "- hook id: gitopsgen-generate-check\n"
            "- exit code: 1\n"
            "\n"
            "overlays/dev/web/kustomization.yaml: differs\n"
            "1 file out of date with catalog.yaml; run 'gitopsgen generate'",
        ),
        "gitopsgen validate --changed": (
            "Failed",
            "- hook id: gitopsgen-validate\n"
            "- exit code: 1\n"
            "\n"
            "overlays/dev/web/kustomization.yaml:22:1: error: overlays/dev/web/kustomization.yaml differs from what catalog.yaml generates (line 22: found '- LOG_LEVEL=trace', expected '- LOG_LEVEL=debug'); change catalog.yaml, not the generated file, and run 'gitopsgen generate' (tree-drift)\n"
            "1 error, 0 warnings in 19 files",
        ),
    }


def test_mutable_tag_in_prod_is_refused(repo):
    root, env = repo
    before = head(root)
    overlay = root / "overlays" / "prod" / "web" / "kustomization.yaml"
    overlay.write_text(re.sub(r"  digest: sha256:[0-9a-f]+\n", "", overlay.read_text()))
    code, output = commit(root, env, "run web 1.4.1 in prod")
    assert code == 1
    assert head(root) == before
    assert report(output) == {
        "gitopsgen generate --check": (
            "Failed",
            "- hook id: gitopsgen-generate-check\n"
            "- exit code: 1\n"
            "\n"
            "overlays/prod/web/kustomization.yaml: differs\n"
            "1 file out of date with catalog.yaml; run 'gitopsgen generate'",
        ),
        "gitopsgen validate --changed": (
            "Failed",
            "- hook id: gitopsgen-validate\n"
            "- exit code: 1\n"
            "\n"
            "overlays/prod/web/kustomization.yaml:16:3: error: container 'web' image 'ghcr.io/example/web:1.4.1' is not pinned by a sha256 digest (imagePolicy digest); append @sha256:<64 lowercase hex> of the image to deploy; catalog entry: catalog.yaml:140:7 (image-policy-digest)\n"
            "overlays/prod/web/kustomization.yaml:17:1: error: overlays/prod/web/kustomization.yaml differs from what catalog.yaml generates (line 17: found 'patches:', expected 'digest: sha256:3c1ab2a1f0e4c1b0f3de1c7a7b0e7d5d1f38a6d2c9a0b7e4f6c2d8e1a9b3c5d7'); change catalog.yaml, not the generated file, and run 'gitopsgen generate' (tree-drift)\n"
            "2 errors, 0 warnings in 22 files",
        ),
    }


def test_catalog_change_with_its_tree_lands(repo):
    root, env = repo
    before = head(root)
    catalog = root / "catalog.yaml"
    text = catalog.read_text()
    assert text.count("version: 1.4.2\n") == 1  # web in staging
    catalog.write_text(text.replace("version: 1.4.2\n", "version: 1.5.0-rc.1\n"))
    generate(Repository.at(root))
    code, output = commit(root, env, "promote web 1.5.0-rc.1 to staging")
    assert code == 0, output
    assert report(output) == {
        "gitopsgen generate --check": ("Passed", ""),
        "gitopsgen validate --changed": ("Passed", ""),
    }
    assert git(root, "rev-parse", "HEAD~1").strip() == before
    assert git(root, "diff", "--name-only", "HEAD~1", "HEAD").splitlines() == [
        "catalog.yaml",
        "overlays/staging/web/kustomization.yaml",
    ]
    assert git(root, "status", "--porcelain") == ""


def test_a_commit_outside_the_tree_skips_both_hooks(repo):
    root, env = repo
    before = head(root)
    (root / "README.md").write_text("# our GitOps repository\n")
    code, output = commit(root, env, "readme")
    assert code == 0, output
    assert report(output) == {
        "gitopsgen generate --check": ("Skipped", ""),
        "gitopsgen validate --changed": ("Skipped", ""),
    }
    assert git(root, "rev-parse", "HEAD~1").strip() == before


def test_this_repositorys_own_hooks_pass_on_its_tree(tmp_path):
    env = clean_env(tmp_path / "pre-commit-home")  # local hooks: nothing to install
    root, _ = snapshot_repo(tmp_path / "gitopsgen")
    # The config calls the tools in .venv: this test's own environment.
    (root / ".venv").symlink_to(sys.prefix, target_is_directory=True)
    done = run(root, env, *PRE_COMMIT, "run", "--all-files")
    assert done.returncode == 0, done.stdout + done.stderr
    assert report(done.stdout) == {
        "ruff check": ("Passed", ""),
        "ruff format": ("Passed", ""),
        "mypy": ("Passed", ""),
        "gitopsgen generate --check": ("Passed", ""),
        "gitopsgen validate --changed": ("Passed", ""),
    }

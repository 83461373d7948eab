"""The one module that imports gitpython: the project's git adapter.

Small functions over a repository found from a path; they take and return plain data
(paths as repository-relative POSIX strings, bytes, commit ids), never gitpython objects.
Git failures a user can fix raise `UsageError` (exit 2) saying what to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git
from git.exc import (
    BadName,
    BadObject,
    GitCommandError,
    InvalidGitRepositoryError,
    NoSuchPathError,
)

from generator.errors import UsageError


@dataclass(frozen=True)
class Revision:
    """A commit that touched a file, with the file's blob at that commit (None: deleted);
    `blob_bytes` reads it."""

    commit: str  # full hex id
    summary: str  # first line of the message
    timestamp: int  # committer time, seconds since the epoch
    blob: str | None  # the object id of the file's content


def find_root(start: Path) -> Path | None:
    """The top folder of the git work tree that contains `start`, or None."""
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None
    with repo:
        return None if repo.working_tree_dir is None else Path(repo.working_tree_dir).resolve()


def _open(root: Path) -> git.Repo:
    try:
        return git.Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise UsageError(
            f"{root} is not inside a git repository; run 'git init' there (or work in a clone)"
        ) from None


def _commit(repo: git.Repo, rev: str) -> git.Commit:
    where = repo.working_tree_dir
    if not rev.strip() or rev.startswith("-"):
        raise UsageError(
            f"git revision '{rev}' is not a revision name; pass a branch, tag or commit id"
        )
    try:
        kind = str(repo.git.cat_file("-t", rev))  # git itself: also fails for a missing object
    except (BadName, BadObject, IndexError, GitCommandError, ValueError):
        shallow = Path(repo.git_dir, "shallow").exists()
        hint = (
            "this clone is shallow: fetch more history (git fetch --unshallow) or pass a "
            "revision inside it"
            if shallow
            else "pass a branch, tag or commit id that does"
        )
        raise UsageError(f"git revision '{rev}' does not exist in {where}; {hint}") from None
    if kind not in ("commit", "tag"):
        raise UsageError(
            f"git revision '{rev}' is not a commit in {where} (it names a {kind}); "
            "pass a branch, tag or commit id"
        )
    try:
        commit = repo.commit(rev)
    except ValueError:  # a tag of a tree or a blob
        raise UsageError(
            f"git revision '{rev}' is not a commit in {where}; pass a branch, tag or commit id"
        ) from None
    return commit


def relative(root: Path, path: Path) -> str:
    """`path` (absolute) relative to the top of the work tree containing `root`."""
    with _open(root) as repo:
        top = Path(repo.working_tree_dir or root).resolve()
    return path.resolve().relative_to(top).as_posix()


def has_commits(root: Path) -> bool:
    with _open(root) as repo:
        return repo.head.is_valid()


def show(root: Path, rev: str, path: str) -> bytes | None:
    """The bytes of `path` (relative to the work tree top) at `rev`, or None if absent there."""
    blob = blob_id(root, rev, path)
    return None if blob is None else blob_bytes(root, blob)


def blob_id(root: Path, rev: str, path: str) -> str | None:
    """The object id of `path` (relative to the work tree top) at `rev`, or None if it is
    absent there (or not a file)."""
    with _open(root) as repo:
        tree = _commit(repo, rev).tree
        try:
            blob = tree / path
        except KeyError:
            return None
        return str(blob.hexsha) if blob.type == "blob" else None


def blob_bytes(root: Path, blob: str) -> bytes:
    """The content of the blob with object id `blob`."""
    with _open(root) as repo:
        data: bytes = repo.odb.stream(bytes.fromhex(blob)).read()
        return data


_AHEAD: dict[tuple[str, str], Future[tuple[str, ...]]] = {}


@contextmanager
def changed_paths_ahead(root: Path, base: str) -> Iterator[None]:
    """Within: changed_paths(root, base) runs on a thread from now (git works while the
    caller reads the catalog), and the first call with the same work tree and base takes
    its answer (or its error); whatever is left is dropped on leaving."""
    key = (str(root.resolve()), base)
    pool = ThreadPoolExecutor(max_workers=1)
    _AHEAD[key] = pool.submit(_changed_paths, root, base, False)
    pool.shutdown(wait=False)
    try:
        yield
    finally:
        _AHEAD.pop(key, None)


def changed_paths(root: Path, base: str = "HEAD", *, staged: bool = False) -> tuple[str, ...]:
    """Paths that differ between `base` and the index (`staged`) or the working tree (which
    includes untracked files), sorted; renames list both names."""
    ahead = None if staged else _AHEAD.pop((str(root.resolve()), base), None)
    if ahead is not None:
        return ahead.result()
    return _changed_paths(root, base, staged)


def _changed_paths(root: Path, base: str, staged: bool) -> tuple[str, ...]:
    with _open(root) as repo:
        found: set[str] = set()
        if base == "HEAD" and not repo.head.is_valid():  # no commit yet: everything is new
            found.update(str(path) for path, _stage in repo.index.entries)
        else:
            commit = _commit(repo, base)
            diffs = repo.index.diff(commit) if staged else commit.diff(None)
            for diff in diffs:
                found.update(p for p in (diff.a_path, diff.b_path) if p)
        if not staged:
            found.update(repo.untracked_files)
        return tuple(sorted(found))


def history(root: Path, path: str, rev: str = "HEAD") -> tuple[Revision, ...]:
    """The commits reachable from `rev` that changed `path`, newest first, with its blob."""
    with _open(root) as repo:
        if rev == "HEAD" and not repo.head.is_valid():
            return ()
        start = _commit(repo, rev)
        revisions = []
        for commit in repo.iter_commits(start, paths=path):
            try:
                blob = commit.tree / path
                found: str | None = str(blob.hexsha) if blob.type == "blob" else None
            except KeyError:
                found = None
            message = commit.message
            text = message.decode("utf-8", "replace") if isinstance(message, bytes) else message
            revisions.append(
                Revision(commit.hexsha, text.split("\n", 1)[0], commit.committed_date, found)
            )
        return tuple(revisions)


def current_branch(root: Path) -> str | None:
    """The checked-out branch, or None on a detached HEAD."""
    with _open(root) as repo:
        return None if repo.head.is_detached else repo.active_branch.name


def check_new_branch(root: Path, name: str) -> None:
    """Raise UsageError unless `name` is a valid name for a branch that does not exist yet."""
    with _open(root) as repo:
        try:
            repo.git.check_ref_format("--branch", name)
        except GitCommandError:
            raise UsageError(
                f"'{name}' is not a valid git branch name; use e.g. promote/web-1.4.2"
            ) from None
        if name in {head.name for head in repo.heads}:
            raise UsageError(f"branch '{name}' already exists; pick another name or delete it")
        if not repo.head.is_valid():
            raise UsageError(
                f"{repo.working_tree_dir} has no commit yet to branch from; commit first"
            )


def create_branch(root: Path, name: str) -> None:
    """Create branch `name` at HEAD and check it out; uncommitted changes stay as they are."""
    check_new_branch(root, name)
    with _open(root) as repo:
        repo.git.checkout("-b", name)


def commit_paths(root: Path, paths: list[str], message: str) -> str:
    """Commit exactly `paths` (relative to the work tree top; new, changed or deleted) as they
    are in the working tree, whatever else is staged; return the new commit id."""
    with _open(root) as repo:
        try:
            repo.git.add("-A", "--", *paths)
            repo.git.commit("-m", message, "--only", "--", *paths)
        except GitCommandError as exc:
            detail = str(exc.stderr).strip().strip("'").strip() or str(exc)
            raise UsageError(f"git commit failed: {detail}") from None
        return repo.head.commit.hexsha


def is_dirty(root: Path, path: str) -> bool:
    """Whether `path` differs from HEAD in the index or the working tree (or is untracked)."""
    with _open(root) as repo:
        if not repo.head.is_valid():
            return True
        return bool(repo.git.status("--porcelain", "--", path).strip())


def resolve_commit(root: Path, rev: str) -> str:
    """The full id of the commit `rev` names; UsageError when it names no commit."""
    with _open(root) as repo:
        return _commit(repo, rev).hexsha


def top(root: Path) -> Path:
    """The top folder of the work tree that contains `root`."""
    with _open(root) as repo:
        return Path(repo.working_tree_dir or root).resolve()


def _blobs(tree: git.Tree, under: str) -> list[git.Blob]:
    if under:
        try:
            tree = tree / under
        except KeyError:
            return []
        if tree.type != "tree":
            return []
    blobs = [item for item in tree.traverse() if isinstance(item, git.Blob)]
    return sorted(blobs, key=lambda blob: str(blob.path))


def files_at(root: Path, rev: str, under: str = "") -> tuple[str, ...]:
    """The files (relative to the work tree top) at `rev` inside folder `under`, sorted."""
    with _open(root) as repo:
        return tuple(str(blob.path) for blob in _blobs(_commit(repo, rev).tree, under))


def export(root: Path, rev: str, under: str, target: Path) -> int:
    """Write the files inside folder `under` at `rev` below `target`, at their paths relative
    to the work tree top, reading blobs only: no checkout, index, ref or worktree of the
    repository changes. Symbolic links stay links. Returns the number of files written."""
    with _open(root) as repo:
        blobs = _blobs(_commit(repo, rev).tree, under)
        for blob in blobs:
            data: bytes = blob.data_stream.read()
            dest = target / str(blob.path)
            dest.parent.mkdir(parents=True, exist_ok=True)
            if blob.mode == _SYMLINK_MODE:
                dest.symlink_to(data.decode("utf-8", "surrogateescape"))
            else:
                dest.write_bytes(data)
        return len(blobs)


_SYMLINK_MODE = 0o120000

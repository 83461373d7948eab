"""The one place that writes the generated tree to disk.

`plan` compares the in-memory tree with the files on disk; `apply` carries a plan out as one
transaction (generator.writing.transaction): every file is written, or none is, and a run killed
half-way is completed or undone by the next one (`exclusive`). A file is ours only when its
first line is exactly the generated header; of any other file that line is all that is read,
and such files are never modified or deleted.
"""

from __future__ import annotations

import difflib
import os
import posixpath
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from generator.constants import GENERATED_DIRS, GENERATED_FILES, HEADER_LIMIT, is_header_line
from generator.errors import InputError
from generator.finding import Finding, Position
from generator.render.tree import Tree
from generator.rules.tree import FOREIGN_FILE
from generator.writing import journal
from generator.writing.repolock import hold
from generator.writing.staging import is_legacy_temp, is_staged
from generator.writing.transaction import Change, commit, recover

# What is read of a generated file beyond the bytes the catalog gives it: enough to show a
# hand edit, never a whole stray giant.
READ_SLACK = 1 << 20


@dataclass(frozen=True)
class Plan:
    writes: dict[str, bytes] = field(default_factory=dict)  # new or changed files
    deletes: tuple[str, ...] = ()  # generated files the catalog no longer produces
    unchanged: int = 0
    current: dict[str, bytes] = field(default_factory=dict)  # generated files on disk
    foreign: tuple[str, ...] = ()  # hand-written files inside the generated folders
    leftovers: tuple[str, ...] = ()  # files killed runs staged: `apply` removes them

    @property
    def drift(self) -> bool:
        return bool(self.writes or self.deletes)


@dataclass
class Found:
    generated: dict[str, bytes] = field(default_factory=dict)  # path -> bytes (bounded)
    others: list[str] = field(default_factory=list)
    leftovers: dict[str, None] = field(default_factory=dict)


def _relative(root: Path, path: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _first_line(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.readline(HEADER_LIMIT)


def _read_generated(path: str | Path, budget: int) -> bytes | None:
    """The file's first `budget` bytes when its first line is the generated header."""
    with open(path, "rb") as handle:
        first = handle.readline(HEADER_LIMIT)
        if not is_header_line(first):
            return None
        return first + handle.read(max(budget - len(first), 0))


def _is_leftover(path: Path, name: str, of: str | None = None) -> bool:
    if is_staged(name, of):
        return True
    if not is_legacy_temp(name, of) or path.is_symlink() or not path.is_file():
        return False
    first = _first_line(path)
    return first == b"" or is_header_line(first)


def _classify(found: Found, full: Path, rel: str, tree: Tree) -> None:
    if _is_leftover(full, full.name):
        found.leftovers[rel] = None
    elif full.is_symlink() or not full.is_file():
        found.others.append(rel)
    else:
        _classify_file(found, full, rel, tree)


def _classify_file(found: Found, full: str | Path, rel: str, tree: Tree) -> None:
    """A regular file, not a leftover: generated (its header) or another."""
    if (data := _read_generated(full, len(tree.get(rel, b"")) + READ_SLACK)) is not None:
        found.generated[rel] = data
    else:
        found.others.append(rel)


def _walk(found: Found, root: Path, top: str, tree: Tree) -> None:
    """Classify the files of the folder `top` (ending in /) or the file `top`."""
    base = root / top.rstrip("/")
    if not top.endswith("/"):
        if base.is_symlink() or base.exists():
            _classify(found, base, top, tree)
        return
    if base.is_symlink() or not base.is_dir():
        return
    _walk_folder(found, len(os.path.join(root, "")), os.fspath(base), tree)


def _walk_folder(found: Found, cut: int, top: str, tree: Tree) -> None:
    """As os.walk, top-down in name order, links to folders not followed and a folder that
    cannot be listed skipped; each entry's type from the listing, without a stat of its own.
    Without recursion: a folder nested however deep is walked."""
    todo = [top]
    while todo:
        folder = todo.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            continue
        folders = []
        for entry in entries:
            if entry.is_dir():
                if not entry.is_symlink():
                    folders.append(entry.path)
                continue
            rel = entry.path[cut:].replace(os.sep, "/")
            if is_staged(entry.name) or is_legacy_temp(entry.name):
                _classify(found, Path(entry.path), rel, tree)
            elif entry.is_symlink() or not entry.is_file():
                found.others.append(rel)
            else:
                _classify_file(found, entry.path, rel, tree)
        todo += reversed(folders)


def scan(
    root: Path, tree: Tree, beside: Sequence[Path] = (), within: Sequence[str] | None = None
) -> Found:
    """What is in the generated folders (or only in the folders and files of `within`), and
    the generated single files (CODEOWNERS) that have the header; the leftovers of killed
    runs there and beside the files of `beside`."""
    found = Found()
    try:
        if within is not None:
            for top in within:
                _walk(found, root, top, tree)
            return found
        for top in GENERATED_DIRS:
            _walk(found, root, top + "/", tree)
        for rel in GENERATED_FILES:  # a hand-written one is left alone: `plan` refuses it
            full = root / rel
            if full.is_file() and not full.is_symlink():
                data = _read_generated(full, len(tree.get(rel, b"")) + READ_SLACK)
                if data is not None:
                    found.generated[rel] = data
        for single in [root / p for p in GENERATED_FILES] + list(beside):
            if single.parent.is_dir():
                for name in sorted(os.listdir(single.parent)):
                    if _is_leftover(single.parent / name, name, single.name):
                        found.leftovers[_relative(root, single.parent / name)] = None
    except OSError as exc:
        shown = _relative(root, Path(exc.filename)) if exc.filename else "."
        raise InputError(
            f"{shown} cannot be read: {exc.strerror}; check its permissions", Position(shown)
        ) from None
    return found


def _blocker(root: Path) -> Callable[[str], bool]:
    """Whether a hand-written file or a directory sits where the tree puts a file, or a
    file or a link where it puts a folder; each folder looked at once, however many files
    the tree puts in it (a file cannot be in a folder that is not there)."""
    folders: dict[str, bool | None] = {"": False}  # blocked, missing (None) or a folder

    def folder(rel: str) -> bool | None:
        if rel not in folders:
            above = folder(posixpath.dirname(rel))
            if above is not False:  # blocked above, or missing: the same here
                folders[rel] = above
            else:
                try:
                    mode = os.lstat(root / rel).st_mode
                except FileNotFoundError:
                    folders[rel] = None
                else:
                    folders[rel] = not stat.S_ISDIR(mode)  # a link to a folder is not one
        return folders[rel]

    def blocked(path: str) -> bool:
        state = folder(posixpath.dirname(path))
        if state is None:
            return False
        return state or os.path.lexists(root / path)  # never a generated file: plan knows

    return blocked


def plan(
    root: Path, tree: Tree, beside: Sequence[Path] = (), within: Sequence[str] | None = None
) -> tuple[Plan, list[Finding]]:
    """What writing `tree` changes; with `within` (folders ending in / and files), only
    there: `tree` then holds only files inside them."""
    found = scan(root, tree, beside, within)
    current, others = found.generated, found.others
    stands = _blocker(root)
    blocked = [p for p in tree if p in others or (p not in current and stands(p))]
    findings = [
        FOREIGN_FILE.finding(
            f"{p} exists and was not generated by gitopsgen; move it away (or fold it into the "
            "catalog), then run 'gitopsgen generate' again",
            Position(p),
        )
        for p in sorted(blocked)
    ]
    writes = {p: data for p, data in tree.items() if current.get(p) != data}
    deletes = tuple(sorted(p for p in current if p not in tree))
    foreign = tuple(sorted(p for p in others if p not in tree))
    leftovers = tuple(found.leftovers)
    return Plan(writes, deletes, len(tree) - len(writes), current, foreign, leftovers), findings


def interrupted(root: Path) -> bool:
    """Whether a killed run left its journal (for the next writing run to finish)."""
    return journal.pending(root)


def pending(root: Path, todo: Plan) -> bool:
    """Whether a writing run has anything to do: files to change, leftovers, a journal."""
    return todo.drift or bool(todo.leftovers) or interrupted(root)


@contextmanager
def exclusive(root: Path, command: str) -> Iterator[None]:
    """Hold the repository's lock and finish what an interrupted run left: plan in the
    block, what is on disk may have changed."""
    with hold(root, command):
        recover(root)
        yield


def apply(root: Path, todo: Plan, command: str, also: Mapping[Path, bytes] | None = None) -> None:
    """Write the plan (and the files of `also`, e.g. the catalog) in one transaction; hold
    `exclusive` and plan under it."""
    writes = {root / p: data for p, data in todo.writes.items()} | dict(also or {})
    deletes = [root / p for p in todo.deletes]
    commit(root, Change(writes, deletes, [root / p for p in todo.leftovers]), command)


def unified_diff(todo: Plan, tree: Tree) -> str:
    chunks = []
    for path in sorted({*todo.writes, *todo.deletes}):
        old = todo.current.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = tree.get(path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        before = f"a/{path}" if path in todo.current else "/dev/null"
        after = f"b/{path}" if path in tree else "/dev/null"
        chunks.append("".join(difflib.unified_diff(old, new, before, after)))
    return "".join(chunks)

"""The steps of a transaction (generator.writing.transaction), each safe to repeat: a run killed in
one is finished or undone by the next run doing the same steps again.

Each step says, when the file system refuses it, what could not be done to which file
(`Failed`); the transaction turns that into the one error the user sees.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path

from generator.constants import HEADER_LIMIT, is_header_line
from generator.errors import WriteError
from generator.writing import journal
from generator.writing.breakpoints import reached
from generator.writing.durable import sync_file, sync_folder, synced, write_new
from generator.writing.journal import COMMITTED, PREPARED, Journal, State
from generator.writing.oserrors import cannot
from generator.writing.staging import Kind, staged

# Where hard links do not exist, the `.old` copy is a copy.
_NO_LINKS = frozenset({errno.EXDEV, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.ENOSYS})


class Failed(Exception):
    def __init__(self, verb: str, shown: str, error: OSError) -> None:
        super().__init__(verb, shown, error)
        self.verb, self.shown, self.error = verb, shown, error

    def report(self, outcome: str, context: str = "") -> WriteError:
        return cannot(self.verb, self.shown, self.error, outcome, context)


def shown(root: Path, path: Path) -> str:
    """`path` relative to `root`, with `/` between its parts."""
    text, prefix = os.fspath(path), os.path.join(os.fspath(root), "")
    if os.sep == "/" and text.startswith(prefix) and "/." not in text[len(prefix) - 1 :]:
        return text[len(prefix) :]  # what relpath gives, without its normalising
    return Path(os.path.relpath(path, root)).as_posix()


@contextmanager
def doing(verb: str, root: Path, target: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise Failed(verb, shown(root, target), exc) from exc


def side(root: Path, plan: Journal, path: str, kind: Kind) -> Path:
    return staged(root / path, plan.run, kind)


def new_folders(root: Path, targets: Mapping[Path, bytes]) -> tuple[str, ...]:
    missing: set[Path] = set()
    present: set[Path] = set()  # each folder is looked at once
    for target in targets:
        folder = target.parent
        while folder not in present and folder not in missing:
            if folder.exists():
                present.add(folder)
                break
            missing.add(folder)
            folder = folder.parent
    return tuple(sorted((shown(root, f) for f in missing), key=lambda p: (p.count("/"), p)))


def _folders(root: Path, plan: Journal) -> list[Path]:
    """The existing folders of the run's targets."""
    paths = [root / e.path for e in plan.writes] + [root / p for p in plan.deletes]
    return sorted(f for f in {p.parent for p in paths} if f.is_dir())


def _synced(root: Path, paths: Sequence[tuple[Path, Path]], sync: Callable[[Path], None]) -> None:
    """Sync each (path, the target it is for) at once; the first that fails raises, naming
    its target."""
    errors = synced([p for p, _ in paths], sync)
    for (_, target), error in zip(paths, errors, strict=True):
        if error is not None:
            with doing("write", root, target):
                raise error


def _sync(root: Path, plan: Journal) -> None:
    _synced(root, [(f, f) for f in _folders(root, plan)], sync_folder)


def _keep(target: Path, old: Path) -> None:
    """`old` names the file `target` names now, so it can be put back."""
    try:
        os.link(target, old, follow_symlinks=False)
    except OSError as exc:
        if exc.errno not in _NO_LINKS:
            raise
        write_new(old, target.read_bytes())


def stage(root: Path, plan: Journal, data: Mapping[str, bytes]) -> None:
    for folder in plan.folders:
        with doing("create the folder", root, root / folder):
            (root / folder).mkdir(exist_ok=True)
    written: list[tuple[Path, Path]] = []  # (staged file, its target): synced together
    for number, entry in enumerate(plan.writes):
        target = root / entry.path
        with doing("write", root, target):
            if entry.replaces:
                _keep(target, side(root, plan, entry.path, "old"))
            new = side(root, plan, entry.path, "new")
            write_new(new, data[entry.path], "staging" if number == 0 else "", sync=False)
            written.append((new, target))
    for path in plan.deletes:
        with doing("remove", root, root / path):
            _keep(root / path, side(root, plan, path, "old"))
    _synced(root, written, sync_file)
    _sync(root, plan)


def apply(root: Path, plan: Journal) -> None:
    """Rename every staged file into place and remove what goes (again: what is done is
    skipped, so a committed journal can be applied as often as a run is killed)."""
    first = True
    for entry in plan.writes:
        target, new = root / entry.path, side(root, plan, entry.path, "new")
        if os.path.lexists(new):
            with doing("replace", root, target):
                os.replace(new, target)
            if first:
                reached("applying")
                first = False
    for path in plan.deletes:
        target = root / path
        if os.path.lexists(target) and _ours(target):
            with doing("remove", root, target):
                target.unlink()
    _sync(root, plan)


def undo(root: Path, plan: Journal, state: State) -> None:
    """Put back what the run replaced or removed and remove what it staged or created; before
    it committed (`prepared`) no target was touched, so only its own files go. A staged file
    that cannot be removed stays for the next run to remove (by its name)."""
    began, first = state != PREPARED, True
    for entry in plan.writes:
        target = root / entry.path
        new, old = (side(root, plan, entry.path, k) for k in ("new", "old"))
        if began and not os.path.lexists(new):  # renamed into place, or already undone
            with doing("restore", root, target):
                if not entry.replaces:
                    target.unlink(missing_ok=True)
                elif os.path.lexists(old):
                    os.replace(old, target)
            if first:
                reached("undoing")
                first = False
        _tidy(new, old)
    for path in plan.deletes:
        target, old = root / path, side(root, plan, path, "old")
        if began and not os.path.lexists(target) and os.path.lexists(old):
            with doing("restore", root, target):
                os.replace(old, target)
        _tidy(old)
    for folder in reversed(plan.folders):
        with suppress(OSError):  # not empty: a staged file that could not be removed
            (root / folder).rmdir()
    _sync(root, plan)
    with doing("remove", root, journal.path_of(root, state)):
        journal.remove(root, state)


def _ours(path: Path) -> bool:
    """Still a generated file (what a run removes always is; a journal is not trusted)."""
    if path.is_symlink() or not path.is_file():
        return False
    with path.open("rb") as handle:
        return is_header_line(handle.readline(HEADER_LIMIT))


def _tidy(*paths: Path) -> None:
    for path in paths:
        with suppress(OSError):
            path.unlink(missing_ok=True)


def finish(root: Path, plan: Journal) -> None:
    _tidy(*(side(root, plan, e.path, "old") for e in plan.writes if e.replaces))
    for path in plan.deletes:
        _tidy(side(root, plan, path, "old"))
        with suppress(OSError):  # an empty folder left is untidy, not wrong
            _prune(root, (root / path).parent)
    with doing("remove", root, journal.path_of(root, COMMITTED)):
        journal.remove(root, COMMITTED)


def _prune(root: Path, folder: Path) -> None:
    """Remove the folders a removal left empty, up to (not including) the top folder."""
    while root in folder.parents and folder.parent != root:
        if folder.is_dir():
            if any(folder.iterdir()):
                return
            folder.rmdir()
        folder = folder.parent

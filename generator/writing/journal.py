"""The journal of a writing run: what it replaces, creates and removes, and how far it got.

One JSON file in the state folder, written (and synced) before the first staged file; its
name is its state, and a state changes by a rename, which needs no free space:

- `journal.prepared`: files are being staged; the targets are untouched. Undone by removing
  what was staged.
- `journal.committed`: every new file is staged and synced. Completed by the next run
  (roll forward).
- `journal.rolling-back`: the run failed after it began replacing files and is putting the
  old ones back (the `.old` links); the next run finishes putting them back.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from generator.constants import GENERATED_DIRS, GENERATED_FILES, JOURNAL_FILE, STATE_DIR
from generator.errors import InputError
from generator.finding import Position
from generator.writing.durable import sync_folder, write_new
from generator.writing.staging import is_run_id

State = Literal["prepared", "committed", "rolling-back"]
PREPARED: State = "prepared"
COMMITTED: State = "committed"
ROLLING_BACK: State = "rolling-back"
STATES: tuple[State, ...] = (PREPARED, COMMITTED, ROLLING_BACK)
VERSION = 1


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the root, POSIX ('../' for a catalog outside it)
    replaces: bool  # a file is there now: it stays reachable as the `.old` link until the end


@dataclass(frozen=True)
class Journal:
    run: str
    pid: int
    command: str
    writes: tuple[Entry, ...]
    deletes: tuple[str, ...]
    folders: tuple[str, ...]  # folders this run creates, parents first

    def to_json(self) -> bytes:
        body = {
            "version": VERSION,
            "run": self.run,
            "pid": self.pid,
            "command": self.command,
            "writes": [{"path": e.path, "replaces": e.replaces} for e in self.writes],
            "deletes": list(self.deletes),
            "folders": list(self.folders),
        }
        return (json.dumps(body, indent=1) + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: Any) -> Journal:
        journal = cls(
            str(data["run"]),
            int(data["pid"]),
            str(data["command"]),
            tuple(Entry(str(e["path"]), bool(e["replaces"])) for e in data["writes"]),
            tuple(str(p) for p in data["deletes"]),
            tuple(str(p) for p in data["folders"]),
        )
        if not is_run_id(journal.run):
            raise ValueError(f"run {journal.run!r}")
        # Act on a journal only inside the tree, whoever wrote it: new files, removals and
        # folders only in the generated places; outside the root nothing but a file replaced
        # (a catalog passed with --catalog).
        for entry in journal.writes:
            if not (
                _relative(entry.path, entry.replaces) and (entry.replaces or _generated(entry.path))
            ):
                raise ValueError(f"path {entry.path!r}")
        for path in (*journal.deletes, *journal.folders):
            if not (_relative(path) and _generated(path)):
                raise ValueError(f"path {path!r}")
        return journal


def _relative(path: str, may_leave_the_root: bool = False) -> bool:
    pure = PurePosixPath(path)
    parts = pure.parts
    return bool(parts) and not pure.is_absolute() and (may_leave_the_root or ".." not in parts)


def _generated(path: str) -> bool:
    """In a generated folder, or a generated single file or its folder."""
    if PurePosixPath(path).parts[0] in GENERATED_DIRS:
        return True
    return any(path == f or f.startswith(f"{path}/") for f in GENERATED_FILES)


def path_of(root: Path, state: State) -> Path:
    return root / f"{JOURNAL_FILE}.{state}"


def write(root: Path, journal: Journal) -> None:
    """Write `journal` in the prepared state, synced."""
    temp = root / f"{JOURNAL_FILE}.tmp"
    temp.unlink(missing_ok=True)  # a run killed while writing it (the lock is ours)
    try:
        write_new(temp, journal.to_json())
        os.replace(temp, path_of(root, PREPARED))
    finally:
        temp.unlink(missing_ok=True)
    sync_folder(root / STATE_DIR)


def advance(root: Path, before: State, after: State) -> None:
    os.rename(path_of(root, before), path_of(root, after))
    sync_folder(root / STATE_DIR)


def remove(root: Path, state: State) -> None:
    path_of(root, state).unlink()
    sync_folder(root / STATE_DIR)


def pending(root: Path) -> bool:
    return any(path_of(root, s).exists() for s in STATES)


def read(root: Path) -> tuple[State, Journal] | None:
    """The journal a run left, or None; InputError when it cannot be understood."""
    for state in (COMMITTED, ROLLING_BACK, PREPARED):
        path = path_of(root, state)
        shown = f"{JOURNAL_FILE}.{state}"
        try:
            data = json.loads(path.read_bytes())
            if data.get("version") != VERSION:
                raise ValueError(f"version {data.get('version')!r}")
            return state, Journal.from_json(data)
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise InputError(f"{shown} cannot be read: {exc.strerror}", Position(shown)) from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"{shown} is not a journal this gitopsgen understands ({exc}); compare the "
                "files it lists with their .gitopsgen-*.new and .old neighbours, then delete it",
                Position(shown),
            ) from None
    return None

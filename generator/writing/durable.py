"""Files and folders that survive a crash once these return: written and synced, or renamed
with their folder synced."""

from __future__ import annotations

import os
from pathlib import Path

from generator.writing.breakpoints import reached

FILE_MODE = 0o644


def write_new(path: Path, data: bytes, pause: str = "") -> None:
    """Create `path` (it must not exist) with `data`, synced; `pause` names a test breakpoint
    reached once the empty file exists."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(handle, "wb") as out:
        if pause:
            reached(pause)
        os.fchmod(out.fileno(), FILE_MODE)  # whatever the umask: the mode generated files have
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def sync_folder(path: Path) -> None:
    """Make the names created, renamed or removed in `path` durable."""
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)

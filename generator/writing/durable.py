"""Files and folders that survive a crash once these return: written and synced, or renamed
with their folder synced."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from generator.writing.breakpoints import reached

if TYPE_CHECKING:
    import ctypes

FILE_MODE = 0o644


def write_new(path: Path, data: bytes, pause: str = "", sync: bool = True) -> None:
    """Create `path` (it must not exist) with `data`, synced unless not `sync` (then
    `sync_file` it, e.g. with `together`); `pause` names a test breakpoint reached once the
    empty file exists."""
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
    with os.fdopen(handle, "wb") as out:
        if pause:
            reached(pause)
        os.fchmod(out.fileno(), FILE_MODE)  # whatever the umask: the mode generated files have
        out.write(data)
        out.flush()
        if sync:
            os.fsync(out.fileno())


def sync_file(path: Path) -> None:
    """Make the content of the file `path` durable."""
    handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def sync_folder(path: Path) -> None:
    """Make the names created, renamed or removed in `path` durable."""
    handle = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


# Syncs on several threads at once: the file system commits concurrent syncs together (one
# journal commit for many files on ext4 and XFS), where one after another each waits for
# its own. Measured on 3,000 new files: about half the time of syncing them in turn.
THREADS = 8


def together(paths: Sequence[Path], sync: Callable[[Path], None]) -> list[OSError | None]:
    """`sync` of every path, several at once; each one's error (None: durable), in order."""

    def one(path: Path) -> OSError | None:
        try:
            sync(path)
        except OSError as exc:
            return exc
        return None

    if len(paths) <= 1:
        return [one(p) for p in paths]
    with ThreadPoolExecutor(min(THREADS, len(paths))) as pool:
        return list(pool.map(one, paths))


# Many paths: one syncfs(2) of each file system they are on, where the kernel reports a
# failed write-back through it (Linux 5.8 on); a few, or where syncfs fails, each its own
# sync, so an error names its file. Measured on 18,000 new files: a fraction of a second,
# where syncing each took seconds even on threads.
SYNCFS_FROM = 2 * THREADS


def synced(paths: Sequence[Path], sync: Callable[[Path], None]) -> list[OSError | None]:
    """`sync` of every path, or one syncfs of each file system they are on; each path's error
    (None: durable), in order."""
    if len(paths) < SYNCFS_FROM or not syncfs_works():
        return together(paths, sync)
    by_device: dict[int, list[int]] = {}
    errors: list[OSError | None] = [None] * len(paths)
    for n, path in enumerate(paths):
        try:
            by_device.setdefault(os.stat(path).st_dev, []).append(n)
        except OSError as exc:
            errors[n] = exc
    for numbers in by_device.values():
        if not syncfs(paths[numbers[0]]):  # its own sync, each: which one failed
            again = together([paths[n] for n in numbers], sync)
            for n, error in zip(numbers, again, strict=True):
                errors[n] = error
    return errors


def syncfs_works() -> bool:
    """Whether syncfs(2) is there and reports write-back errors (Linux 5.8 and later)."""
    if platform.system() != "Linux" or _libc() is None:
        return False
    try:
        major, minor = (int(part) for part in platform.release().split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (5, 8)


def syncfs(path: Path) -> bool:
    """Sync the file system that holds `path`: whether it succeeded."""
    libc = _libc()
    if libc is None:
        return False
    try:
        handle = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return int(libc.syncfs(handle)) == 0
    finally:
        os.close(handle)


@cache
def _libc() -> ctypes.CDLL | None:
    """The C library this process runs with (its own symbols hold it on Linux)."""
    import ctypes  # here: only a write of many files loads it

    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    return libc if hasattr(libc, "syncfs") else None

"""One writer per repository: an exclusive `flock` on `.gitopsgen/lock` at the root.

The lock file lives in the state folder, which holds a `.gitignore` of `*` so git never
sees it (nor the journal), and is outside the generated folders, so no tree rule does
either. The kernel drops the lock when its holder exits, however it exits: a lock is never
stale. A second writer waits up to GITOPSGEN_LOCK_TIMEOUT seconds (default 5), then gives
up with the holder's pid and command, which the holder writes into the file.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from generator.constants import LOCK_FILE, STATE_DIR
from generator.errors import LockedError, UsageError
from generator.writing.breakpoints import reached
from generator.writing.oserrors import NOTHING_CHANGED, cannot

TIMEOUT_VARIABLE = "GITOPSGEN_LOCK_TIMEOUT"
DEFAULT_TIMEOUT = 5.0
_IGNORE = b"# gitopsgen's lock and journal: never committed\n*\n"
_POLL = 0.05


def timeout() -> float:
    text = os.environ.get(TIMEOUT_VARIABLE, "")
    try:
        seconds = float(text) if text else DEFAULT_TIMEOUT
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also NaN
        raise UsageError(f"{TIMEOUT_VARIABLE}={text!r} is not a number of seconds; e.g. 5")
    return seconds


def _state_folder(root: Path) -> None:
    folder = root / STATE_DIR
    folder.mkdir(exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        temp = folder / f".gitignore.{os.getpid()}.tmp"
        try:
            temp.write_bytes(_IGNORE)
            os.replace(temp, ignore)
        finally:
            temp.unlink(missing_ok=True)


def _holder(handle: int) -> str:
    with suppress(OSError):
        pid, _, command = os.pread(handle, 4096, 0).decode("utf-8", "replace").partition(" ")
        if pid.strip().isdigit():
            return f"pid {pid.strip()} ({command.strip()})"
    return "a process that has not said who it is yet"


def _acquire(handle: int, wait: float) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockedError(
                    f"another gitopsgen command is writing this repository: {_holder(handle)} "
                    f"holds {LOCK_FILE} (waited {wait:g}s); let it finish, then run this "
                    "command again"
                ) from None
            time.sleep(_POLL)


@contextmanager
def hold(root: Path, command: str) -> Iterator[None]:
    """Hold the repository's lock for the block; LockedError when another run keeps it."""
    wait = timeout()
    try:
        _state_folder(root)
        handle = os.open(root / LOCK_FILE, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise cannot("open", LOCK_FILE, exc, NOTHING_CHANGED) from None
    try:
        _acquire(handle, wait)
        with suppress(OSError):  # who holds it is a courtesy: a full disk must not stop us
            os.ftruncate(handle, 0)
            os.pwrite(handle, f"{os.getpid()} {command}\n".encode(), 0)
        reached("locked")
        try:
            yield
        finally:
            with suppress(OSError):
                os.ftruncate(handle, 0)
    finally:
        os.close(handle)

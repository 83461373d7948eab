"""Read a text file the user gave us: UTF-8 (a byte-order mark is accepted), or an
InputError that says where the file stops being readable and what to do.

The path is checked with `os.stat` before it is opened: a FIFO, a device (`/dev/zero`) or
a socket would block or never end, and a file over the size limit is refused unread.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from generator.errors import InputError
from generator.finding import Position
from generator.limits import MANIFESTS, MIB, Limits, raise_hint

_SPECIAL = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def decode(data: bytes, shown: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line_start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        column = len(data[line_start : exc.start].decode("utf-8", errors="replace")) + 1
        raise InputError(
            f"{shown} is not UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            Position(shown, line, column),
        ) from None


def size_text(n: int) -> str:
    return f"{n // MIB} MiB" if n % MIB == 0 else f"{n} bytes"


def _refuse(shown: str, message: str) -> InputError:
    return InputError(f"{shown} {message}", Position(shown))


def _check(mode: int, size: int, shown: str, limit: int) -> None:
    if stat.S_ISDIR(mode):
        raise _refuse(shown, "is a directory; pass a file")
    for test, what in _SPECIAL:
        if test(mode):
            raise _refuse(shown, f"is {what}, not a regular file; pass a file")
    if size > limit:
        raise _refuse(
            shown,
            f"is {size} bytes, over the limit of {size_text(limit)} for one file; split it, "
            f"{raise_hint('file_bytes')}",
        )


def _read(path: Path, shown: str, limit: int) -> bytes:
    # O_NONBLOCK: should the file turn into a FIFO after the stat, open does not block.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as file:
        found = os.fstat(file.fileno())
        _check(found.st_mode, found.st_size, shown, limit)
        data = file.read(limit + 1)
    if len(data) > limit:  # it grew while we read
        _check(stat.S_IFREG, len(data), shown, limit)
    return data


def read_text(path: Path, shown: str, missing: str = "", limits: Limits = MANIFESTS) -> str:
    """The file's text; `missing` is the remedy said when it does not exist."""
    try:
        found = os.stat(path)
        _check(found.st_mode, found.st_size, shown, limits.file_bytes)
        data = _read(path, shown, limits.file_bytes)
    except FileNotFoundError:
        remedy = f"; {missing}" if missing else ""
        raise _refuse(shown, f"does not exist{remedy}") from None
    except IsADirectoryError:
        raise _refuse(shown, "is a directory; pass a file") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise _refuse(shown, "is a loop of symbolic links; point it at a file") from None
        raise _refuse(shown, f"cannot be read: {exc.strerror}") from None
    return decode(data, shown)

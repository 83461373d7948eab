"""Read a text file the user gave us: UTF-8 (a byte-order mark is accepted), or an
InputError that says where the file stops being readable and what to do."""

from __future__ import annotations

from pathlib import Path

from generator.errors import InputError
from generator.finding import Position


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


def read_text(path: Path, shown: str, missing: str = "") -> str:
    """The file's text; `missing` is the remedy said when it does not exist."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        remedy = f"; {missing}" if missing else ""
        raise InputError(f"{shown} does not exist{remedy}", Position(shown)) from None
    except IsADirectoryError:
        raise InputError(f"{shown} is a directory; pass a file", Position(shown)) from None
    except OSError as exc:
        raise InputError(f"{shown} cannot be read: {exc.strerror}", Position(shown)) from None
    return decode(data, shown)

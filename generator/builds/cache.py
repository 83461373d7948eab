"""A content-addressed cache on disk: entries (text or bytes) under the key of what they
were computed from (see generator.builds.keys), in the user's cache folder.

Safe under concurrent runs: an entry is written to a temporary file beside it and moved into
place with os.replace, so a reader sees a whole entry or none. Bounded: `prune` removes the
least recently used entries (a hit refreshes an entry's time) until the cache fits its
limit. The cache's size is kept beside the entries (`size`: what the last walk measured,
plus what each run wrote since), so a run walks the cache only when that sum crosses the
limit; one that wrote nothing does not even read it. Runs at once may each add what they
wrote to the same old sum, so the sum can fall short by what one of them wrote: the limit
holds within that. A cache that cannot be read or written is a miss, never an error.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

DEFAULT_LIMIT_MB = 500
_LAYOUT = "v1"  # bump when the entries change shape
_SIZE = "size"  # beside the kinds' folders: the cache's size as last known


def default_folder(environ: Mapping[str, str]) -> Path:
    """$XDG_CACHE_HOME/gitopsgen, or ~/.cache/gitopsgen (XDG ignores a relative value)."""
    xdg = environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "gitopsgen"


class Cache:
    def __init__(self, folder: Path, limit_mb: int = DEFAULT_LIMIT_MB) -> None:
        self.folder = folder
        self.limit = limit_mb * 1024 * 1024
        self.written = 0  # bytes written through this object

    @property
    def wrote(self) -> bool:
        return self.written > 0

    def _path(self, kind: str, key: str) -> str:
        return os.path.join(self.folder, _LAYOUT, kind, key[:2], key)  # strings: thousands a run

    def get(self, kind: str, key: str) -> str | None:
        data = self.get_bytes(kind, key)
        try:
            return None if data is None else data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def put(self, kind: str, key: str, text: str) -> None:
        self.put_bytes(kind, key, text.encode("utf-8"))

    def get_bytes(self, kind: str, key: str) -> bytes | None:
        path = self._path(kind, key)
        try:
            with open(path, "rb") as handle:
                data = handle.read()
            os.utime(path)
        except OSError:
            return None
        return data

    def put_bytes(self, kind: str, key: str, data: bytes) -> None:
        self.written += len(data)
        put_atomically(Path(self._path(kind, key)), data)

    def prune(self) -> None:
        """Remove the least recently used entries beyond the limit, once an entry was
        written through this object."""
        if not self.wrote:
            return
        size_file = self.folder / _LAYOUT / _SIZE
        try:
            known = int(size_file.read_text(encoding="ascii"))
        except (OSError, ValueError):
            known = None
        if known is not None and known + self.written <= self.limit:
            put_atomically(size_file, str(known + self.written).encode("ascii"))
            self.written = 0
            return
        entries: list[tuple[float, int, str]] = []
        for top, _, names in os.walk(self.folder / _LAYOUT):
            for name in names:
                if name == _SIZE and top == str(size_file.parent):
                    continue
                path = os.path.join(top, name)
                with contextlib.suppress(OSError):
                    stat = os.stat(path)
                    entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries):
            if total <= self.limit:
                break
            with contextlib.suppress(OSError):
                os.unlink(path)
            total -= size
        put_atomically(size_file, str(total).encode("ascii"))
        self.written = 0


def put_atomically(path: Path, data: bytes) -> None:
    """`path` holds `data`, written to a temporary file beside it and moved into place, so
    a reader sees the whole file or the one before; a folder that cannot be written is
    skipped (a full disk or a read-only cache: the run goes on without it)."""
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # gone once moved into place

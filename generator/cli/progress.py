"""The progress line of a long run: `built 120/603 folders, 12s` on stderr, rewritten in
place, only on a terminal, and erased when the run ends (the report follows on stdout)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from generator.builds.running import Progress

# A run shorter than this shows no line at all; the line is rewritten at most this often.
QUIET_FOR = 1.0
EVERY = 0.2


class ProgressLine:
    def __init__(self, stream: TextIO, clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.clock = clock
        self.start = clock()
        self.shown = -EVERY
        self.width = 0

    def __call__(self, done: int, total: int) -> None:
        now = self.clock() - self.start
        if now < QUIET_FOR or (now - self.shown < EVERY and done < total):
            return
        self.shown = now
        line = f"built {done}/{total} folders, {now:.0f}s"
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def close(self) -> None:
        if self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


@contextmanager
def progress_line(stream: TextIO, quiet: bool) -> Iterator[Progress | None]:
    """A progress callback for a run, or None when `quiet` or `stream` is no terminal."""
    if quiet or not stream.isatty():
        yield None
        return
    line = ProgressLine(stream)
    try:
        yield line
    finally:
        line.close()

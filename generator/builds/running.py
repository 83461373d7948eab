"""Builds under way: Kustomize processes on a pool of threads, one task (an aggregate of
folders, or one folder) each, and their results taken as they finish, so a caller checks
the folders built first while the others build. An aggregate that fails or whose output
does not split back per folder (generator.builds.split) is built again in halves, down to
one folder, so an error always comes from the folder's own build and names it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from generator import kustomize
from generator.builds import keys
from generator.builds.cache import Cache
from generator.builds.inputs import Claims, Inputs, inputs
from generator.builds.settled import Settled
from generator.builds.split import split
from generator.kustomize import Build

BUILD = "build"  # the cache's kind of a folder's build output

Progress = Callable[[int, int], None]  # (folders done, folders in all)


@dataclass(frozen=True)
class Builds:
    builds: tuple[Build, ...]  # in the order asked
    keys: tuple[str | None, ...]  # the cache key of each folder's inputs (None: uncacheable)


class Running:
    """Builds under way (generator.builds.batch.Builder.start): the results of folders as
    their builds finish, each kept in the cache when its inputs did not change while it
    built. Used as a context: on leaving it, builds not started are dropped and those
    running are waited for."""

    def __init__(
        self,
        cache: Cache | None,
        progress: Progress | None,
        workers: int,
        root: Path,
        folders: Sequence[Path],
        memo: Settled | None,
        inputs_of: Callable[[int], Inputs],
    ) -> None:
        self._cache = cache
        self._progress = progress
        self._root = root
        self._folders = folders
        self._index = {f: n for n, f in enumerate(folders)}
        self._memo = memo
        self._inputs_of = inputs_of
        self.keys: list[str | None] = [None] * len(folders)  # see Builds.keys
        self.results: dict[int, Build] = {}
        self._pending: dict[Future[list[Build]], list[int]] = {}
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._lock = Lock()
        self._done = 0  # folders found in the cache or built, for the progress line

    def __enter__(self) -> Running:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def folders(self) -> tuple[Path, ...]:
        return tuple(self._folders)

    def hit(self, n: int, build: Build) -> None:
        """The folder at `n` needs no build: its output was in the cache (shown with the
        next progress report)."""
        self.results[n] = build
        with self._lock:
            self._done += 1

    def submit(self, task: list[int], claimed: list[Claims | None]) -> None:
        future = self._pool.submit(_run, [self._folders[n] for n in task], claimed)
        self._pending[future] = task
        future.add_done_callback(lambda _: self.report(len(task)))

    def report(self, done: int) -> None:
        """Count `done` more folders done and show the progress (from any thread)."""
        with self._lock:
            self._done += done
            if self._progress is not None and self._folders:
                self._progress(self._done, len(self._folders))

    def wait(self, folders: Sequence[Path]) -> list[Build]:
        """The builds of `folders` (some of those given to Builder.start), once built."""
        return self._wait([self._index[f] for f in folders])

    def finish(self) -> Builds:
        """Every build, once all finished; the memo of keys saved."""
        builds = self._wait(range(len(self._folders)))
        if self._memo is not None:
            self._memo.save()
        return Builds(tuple(builds), tuple(self.keys))

    def _wait(self, wanted: Sequence[int]) -> list[Build]:
        while any(n not in self.results for n in wanted):
            if not self._pending:  # nothing under way would ever give it: fail, not hang
                missing = next(n for n in wanted if n not in self.results)
                raise LookupError(f"{self._folders[missing]} is neither built nor building")
            finished, _ = futures.wait(self._pending, return_when=futures.FIRST_COMPLETED)
            for future in finished:
                self._take(self._pending.pop(future), future.result())
        return [self.results[n] for n in wanted]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _take(self, task: list[int], builds: list[Build]) -> None:
        cache, memo = self._cache, self._memo
        for n, build in zip(task, builds, strict=True):
            self.results[n] = build
            key = self.keys[n]
            if cache is None or memo is None or key is None or not build.ok:
                continue
            if self._same(self._folders[n], key, self._inputs_of(n), memo):
                cache.put(BUILD, key, build.output)

    def _same(self, folder: Path, key: str, found: Inputs, memo: Settled) -> bool:
        """Whether no input of `folder` changed while it built: its inputs were settled when
        the run started and their stats are still the same, or else its key read again is."""
        if memo.unchanged(read_paths(found)):
            return True
        try:
            return key == keys.build_key(self._root, folder.resolve(), inputs(folder).files, {})
        except OSError:
            return False


def read_paths(found: Inputs) -> list[str]:
    """Every path the folder's inputs depend on: the files, and the folders and paths watched."""
    return [*map(str, found.files), *map(str, found.watched)]


def _run(folders: list[Path], claimed: list[Claims | None]) -> list[Build]:
    """Build the folders together; halves of them when that fails or cannot be split."""
    if len(folders) == 1:
        return [kustomize.build(folders[0])]
    together = kustomize.build_together(folders)
    known = {f: c for f, c in zip(folders, claimed, strict=True) if c is not None}
    if together.ok and len(known) == len(folders):
        parts = split(together.output, known)
        if parts is not None:
            return [Build(f, parts[f], "") for f in folders]
    half = len(folders) // 2
    return _run(folders[:half], claimed[:half]) + _run(folders[half:], claimed[half:])

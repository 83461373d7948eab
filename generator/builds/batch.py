"""Build many folders with Kustomize, fast, each to exactly what it builds to alone.

Each Kustomize process costs a start-up that dwarfs the build of one overlay, so the folders
of one parent (the overlays of one environment) are built together, a bounded number per
aggregate (Kustomize slows down on very large ones), as many aggregates at once as there are
cores, and the output is split back per folder (generator.builds.split). A folder that must
be built alone (generator.builds.inputs says which), and every folder of an aggregate that
fails or whose split is ambiguous, is built alone: halves of the aggregate first, down to one
folder, so an error always comes from the folder's own build and names it. With a cache,
folders whose inputs are unchanged are not built at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent import futures
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from math import ceil
from pathlib import Path
from threading import Lock

from generator import kustomize
from generator.builds import keys
from generator.builds.cache import Cache
from generator.builds.inputs import Claims, Id, Inputs, Reader, claims, inputs
from generator.builds.settled import Settled
from generator.builds.split import split
from generator.kustomize import Build

# Measured (docs/benchmarks.md): about 50 overlays per aggregate is the fastest; Kustomize
# grows quadratically in the size of one build beyond ~100.
DEFAULT_BATCH = 50
BUILD = "build"

Progress = Callable[[int, int], None]  # (folders done, folders in all)


@dataclass(frozen=True)
class Builds:
    builds: tuple[Build, ...]  # in the order asked
    keys: tuple[str | None, ...]  # the cache key of each folder's inputs (None: uncacheable)


@dataclass(frozen=True)
class Builder:
    cache: Cache | None = None
    batch: int = DEFAULT_BATCH  # folders per aggregate; 1 builds each folder alone
    workers: int | None = None  # Kustomize processes at once [default: the cores]
    progress: Progress | None = None

    def build(self, root: Path, folders: Sequence[Path]) -> Builds:
        """Build `folders` (under the repository `root`, which cache keys are relative to)."""
        with self.start(root, folders) as running:
            return running.finish()

    def start(self, root: Path, folders: Sequence[Path]) -> Running:
        """Start building `folders`, one parent (an environment's overlays) after another:
        each parent's folders are handed to Kustomize before the next parent's inputs are
        read, and Running.wait takes results as they finish, so a caller checks the first
        environment while the others build. Every key is known when this returns."""
        root = root.resolve()
        reader = Reader()
        digests: dict[Path, str] = {}
        found: dict[int, Inputs] = {}
        # A folder none of whose inputs changed since a run of the same folders keeps its key.
        memo = None
        if self.cache is not None:
            memo = Settled(self.cache, [BUILD, str(root), *map(str, folders)])

        def inputs_of(n: int) -> Inputs:
            if n not in found:
                found[n] = inputs(folders[n], reader)
            return found[n]

        running = Running(self, root, folders, memo, inputs_of)
        try:
            for group in _groups(folders):
                for n in group:
                    running.keys[n] = self._key(root, n, folders[n], digests, inputs_of, memo)
                    key = running.keys[n]
                    hit = self.cache.get(BUILD, key) if self.cache and key else None
                    if hit is not None:
                        running.hit(n, Build(folders[n], hit, ""))
                todo = [n for n in group if n not in running.results]
                batched = self.batch > 1
                claimed = {n: claims(inputs_of(n), reader) if batched else None for n in todo}
                for task in _plan(todo, folders, claimed, self.batch):
                    running.submit(task, [claimed[n] for n in task])
        except BaseException:
            running.close()
            raise
        running.report(0)
        return running

    def _key(
        self,
        root: Path,
        n: int,
        folder: Path,
        digests: dict[Path, str],
        inputs_of: Callable[[int], Inputs],
        memo: Settled | None,
    ) -> str | None:
        if self.cache is None or memo is None:
            return None
        kept = memo.get(str(folder))
        if isinstance(kept, str):
            return kept
        found = inputs_of(n)
        if found.remote:
            return None
        try:
            key = keys.build_key(root, folder.resolve(), found.files, digests)
        except OSError:  # a file went away while reading: build it, do not cache it
            return None
        memo.put(str(folder), _read(found), key)
        return key


class Running:
    """Builds under way (Builder.start): the results of folders as their builds finish, each
    kept in the cache when its inputs did not change while it built. Used as a context: on
    leaving it, builds not started are dropped and those running are waited for."""

    def __init__(
        self,
        builder: Builder,
        root: Path,
        folders: Sequence[Path],
        memo: Settled | None,
        inputs_of: Callable[[int], Inputs],
    ) -> None:
        self._builder = builder
        self._root = root
        self._folders = folders
        self._index = {f: n for n, f in enumerate(folders)}
        self._memo = memo
        self._inputs_of = inputs_of
        self.keys: list[str | None] = [None] * len(folders)  # see Builds.keys
        self.results: dict[int, Build] = {}
        self._pending: dict[Future[list[Build]], list[int]] = {}
        self._pool = ThreadPoolExecutor(max_workers=max(1, builder.workers or os.cpu_count() or 2))
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
            if self._builder.progress is not None and self._folders:
                self._builder.progress(self._done, len(self._folders))

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
            finished, _ = futures.wait(self._pending, return_when=futures.FIRST_COMPLETED)
            for future in finished:
                self._take(self._pending.pop(future), future.result())
        return [self.results[n] for n in wanted]

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def _take(self, task: list[int], builds: list[Build]) -> None:
        cache, memo = self._builder.cache, self._memo
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
        if memo.unchanged(_read(found)):
            return True
        try:
            return key == keys.build_key(self._root, folder.resolve(), inputs(folder).files, {})
        except OSError:
            return False


def _groups(folders: Sequence[Path]) -> list[list[int]]:
    """The indexes of `folders` by parent, the parents in the order they first appear."""
    groups: dict[Path, list[int]] = {}
    for n, folder in enumerate(folders):
        groups.setdefault(folder.parent, []).append(n)
    return list(groups.values())


def _read(found: Inputs) -> list[str]:
    """Every path the folder's inputs depend on: the files, and the folders and paths watched."""
    return [*map(str, found.files), *map(str, found.watched)]


@dataclass
class _Lane:
    """Folders of one parent that may be built together: none claims another's object."""

    folders: list[int]
    claims: set[Id]

    def takes(self, claims: Claims) -> bool:
        return not (self.claims & claims.names or self.claims & claims.generated)


def _plan(
    todo: list[int], folders: Sequence[Path], claimed: Mapping[int, Claims | None], size: int
) -> list[list[int]]:
    """Tasks of folder indexes: aggregates of folders with one parent, balanced and at most
    `size` each, and single folders; the biggest first."""
    groups: dict[Path, list[_Lane]] = {}
    tasks: list[list[int]] = []
    for n in todo:
        claims = claimed[n]
        if size <= 1 or claims is None:
            tasks.append([n])
            continue
        lanes = groups.setdefault(folders[n].parent, [])
        lane = next((lane for lane in lanes if lane.takes(claims)), None)
        if lane is None:
            lane = _Lane([], set())
            lanes.append(lane)
        lane.folders.append(n)
        lane.claims |= claims.names | claims.generated
    for lane in (lane for lanes in groups.values() for lane in lanes):
        step = ceil(len(lane.folders) / ceil(len(lane.folders) / size))
        tasks += [lane.folders[i : i + step] for i in range(0, len(lane.folders), step)]
    return sorted(tasks, key=len, reverse=True)


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

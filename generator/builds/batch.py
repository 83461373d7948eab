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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from math import ceil
from pathlib import Path

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

        cached = [self._key(root, n, f, digests, inputs_of, memo) for n, f in enumerate(folders)]
        results: dict[int, Build] = {}
        for n, (folder, key) in enumerate(zip(folders, cached, strict=True)):
            hit = self.cache.get(BUILD, key) if self.cache and key else None
            if hit is not None:
                results[n] = Build(folder, hit, "")
        todo = [n for n in range(len(folders)) if n not in results]
        claimed = {n: claims(inputs_of(n), reader) if self.batch > 1 else None for n in todo}
        tasks = _plan(todo, folders, claimed, self.batch)
        done = len(results)
        self._report(done, len(folders))
        workers = self.workers or os.cpu_count() or 2
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            futures = {
                pool.submit(_run, [folders[n] for n in task], [claimed[n] for n in task]): task
                for task in tasks
            }
            for future in as_completed(futures):
                task = futures[future]
                for n, build in zip(task, future.result(), strict=True):
                    results[n] = build
                    key = cached[n]
                    if self.cache is None or memo is None or key is None or not build.ok:
                        continue
                    if self._same(root, folders[n], key, inputs_of(n), memo):
                        self.cache.put(BUILD, key, build.output)
                done += len(task)
                self._report(done, len(folders))
        if memo is not None:
            memo.save()
        return Builds(tuple(results[n] for n in range(len(folders))), tuple(cached))

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

    def _same(self, root: Path, folder: Path, key: str, found: Inputs, memo: Settled) -> bool:
        """Whether no input of `folder` changed while it built: its inputs were settled when
        the run started and their stats are still the same, or else its key read again is."""
        if memo.unchanged(_read(found)):
            return True
        try:
            return key == keys.build_key(root, folder.resolve(), inputs(folder).files, {})
        except OSError:
            return False

    def _report(self, done: int, total: int) -> None:
        if self.progress is not None and total:
            self.progress(done, total)


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

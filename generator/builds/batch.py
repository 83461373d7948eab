"""Build many folders with Kustomize, fast, each to exactly what it builds to alone.

Each Kustomize process costs a start-up that dwarfs the build of one overlay, so the folders
of one parent (the overlays of one environment) are built together, a bounded number per
aggregate (Kustomize slows down on very large ones), as many aggregates at once as there are
cores, and the output is split back per folder (generator.builds.split). A folder that must
be built alone (generator.builds.inputs says which), and every folder of an aggregate that
fails or whose split is ambiguous, is built alone: halves of the aggregate first, down to one
folder, so an error always comes from the folder's own build and names it. With a cache,
folders whose inputs are unchanged are not built at all. The folders of one parent are
handed to Kustomize before the next parent's are planned, and their results are taken as
they finish (generator.builds.running).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from pathlib import Path

from generator.builds import keys
from generator.builds.cache import Cache
from generator.builds.inputs import Claims, Id, Inputs, Reader, claims, inputs
from generator.builds.running import BUILD, Builds, Progress, Running, read_paths
from generator.builds.settled import Settled
from generator.kustomize import Build

# Measured (docs/benchmarks.md): about 50 overlays per aggregate is the fastest; Kustomize
# grows quadratically in the size of one build beyond ~100.
DEFAULT_BATCH = 50


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

        workers = max(1, self.workers or os.cpu_count() or 2)
        running = Running(self.cache, self.progress, workers, root, folders, memo, inputs_of)
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
                for task in _plan(todo, claimed, self.batch):
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
        memo.put(str(folder), read_paths(found), key)
        return key


def _groups(folders: Sequence[Path]) -> list[list[int]]:
    """The indexes of `folders` by parent, the parents in the order they first appear."""
    groups: dict[Path, list[int]] = {}
    for n, folder in enumerate(folders):
        groups.setdefault(folder.parent, []).append(n)
    return list(groups.values())


@dataclass
class _Lane:
    """Folders of one parent that may be built together: none claims another's object."""

    folders: list[int]
    claims: set[Id]

    def takes(self, claims: Claims) -> bool:
        return not (self.claims & claims.names or self.claims & claims.generated)


def _plan(todo: list[int], claimed: Mapping[int, Claims | None], size: int) -> list[list[int]]:
    """Tasks of the folder indexes of one parent: aggregates of folders that claim no object
    of another, balanced and at most `size` each, and single folders; the biggest first."""
    lanes: list[_Lane] = []
    tasks: list[list[int]] = []
    for n in todo:
        claims = claimed[n]
        if size <= 1 or claims is None:
            tasks.append([n])
            continue
        lane = next((lane for lane in lanes if lane.takes(claims)), None)
        if lane is None:
            lane = _Lane([], set())
            lanes.append(lane)
        lane.folders.append(n)
        lane.claims |= claims.names | claims.generated
    for lane in lanes:
        step = ceil(len(lane.folders) / ceil(len(lane.folders) / size))
        tasks += [lane.folders[i : i + step] for i in range(0, len(lane.folders), step)]
    return sorted(tasks, key=len, reverse=True)

"""The two baselines of the scale benchmarks, each run as a process of its own
(benchmarks/measure.py measures it like a gitopsgen command):

- `naive ROOT`: what a team does without gitopsgen: one `kubectl kustomize` process per
  overlay folder, then kubernetes-validate's `validate()` on every object it builds (it
  loads the schema for each; CRDs it does not know raise, after the lookup), a process
  pool as large as the cores. `--sample N` builds a stable random sample of N folders
  instead of all (the report extrapolates it linearly and says so).
- `floor ROOT`: Kustomize alone, nothing else: the overlay folders in aggregate
  kustomizations of at most 50 folders of one environment (generator.kustomize.
  build_together, as gitopsgen's batched builds make them), as many at once as cores,
  with Go's default collector (GOGC=100), as a user running Kustomize gets it.
- `floor-tuned ROOT`: the same with the collector settings gitopsgen gives its Kustomize
  processes (generator.kustomize.GC): what the builds alone cost gitopsgen.

Each prints one JSON line: folders, what it did, and how many were sampled.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import subprocess
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from math import ceil
from pathlib import Path

import kubernetes_validate
import yaml

from generator import kustomize
from generator.builds.batch import DEFAULT_BATCH

KUBERNETES = "1.31"
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def overlay_folders(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.glob("overlays/*/*/kustomization.yaml"))


def sample(folders: Sequence[Path], size: int | None) -> list[Path]:
    """A stable random sample of `size` folders, in order (all of them when size is None or
    not smaller)."""
    if size is None or size >= len(folders):
        return list(folders)
    return sorted(random.Random(9).sample(list(folders), size))


def naive_folder(folder: Path) -> tuple[int, int]:
    """Build one folder alone and validate each object: (objects, objects refused)."""
    done = subprocess.run(
        [str(kustomize.kubectl()), "kustomize", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{folder}: {done.stderr.strip()}")
    objects = [d for d in yaml.load_all(done.stdout, Loader=_Loader) if d]
    refused = 0
    for obj in objects:
        try:
            kubernetes_validate.validate(obj, KUBERNETES, strict=True)
        except Exception:  # CRDs are unknown to it: it raises for those
            refused += 1
    return len(objects), refused


def naive(folders: Sequence[Path]) -> dict[str, int]:
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counts = list(pool.map(naive_folder, folders, chunksize=4))
    return {
        "objects": sum(n for n, _ in counts),
        "refused": sum(r for _, r in counts),
    }


def aggregates(folders: Sequence[Path], size: int = DEFAULT_BATCH) -> list[list[Path]]:
    """The folders of each parent in balanced chunks of at most `size`."""
    groups: dict[Path, list[Path]] = {}
    for folder in folders:
        groups.setdefault(folder.parent, []).append(folder)
    chunks = []
    for group in groups.values():
        step = ceil(len(group) / ceil(len(group) / size))
        chunks += [group[i : i + step] for i in range(0, len(group), step)]
    return chunks


def floor(folders: Sequence[Path]) -> dict[str, int]:
    chunks = aggregates(folders)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        built = list(pool.map(kustomize.build_together, chunks))
    failed = [b.folders[0] for b in built if not b.ok]
    if failed:
        raise RuntimeError(f"aggregates failed to build, the first at {failed[0]}")
    return {"aggregates": len(chunks), "bytes": sum(len(b.output) for b in built)}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("baseline", choices=["naive", "floor", "floor-tuned"])
    parser.add_argument("root", type=Path)
    parser.add_argument("--sample", type=int, default=None)
    args = parser.parse_args(argv)
    folders = overlay_folders(args.root.resolve())
    chosen = sample(folders, args.sample) if args.baseline == "naive" else folders
    for name in ("GOGC", "GOMEMLIMIT"):
        os.environ.pop(name, None)
    if args.baseline == "floor":
        os.environ["GOGC"] = "100"  # Go's default, which kustomize.environment then keeps
    with contextlib.redirect_stdout(None):  # kubernetes-validate prints; the JSON line is ours
        done = naive(chosen) if args.baseline == "naive" else floor(chosen)
    print(json.dumps({"folders": len(folders), "built": len(chosen), **done}))


if __name__ == "__main__":
    main()

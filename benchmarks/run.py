"""Benchmarks: each compares gitopsgen with a baseline in the same run and reports the ratio.

Run: .venv/bin/python benchmarks/run.py [--write docs/benchmarks.md] [--only ROW ...]

1. `schemas`: one compiled validator per kind (generator.k8s.schema) against
   kubernetes-validate's own `validate()`, which loads and compiles the schema for every
   document;
2. `parallel`: validate of a 200-app catalog with one Kustomize process per folder, as many
   at once as there are cores, against one at a time;
3. `batched`: validate of that catalog with batched builds (the default: aggregates of
   about 50 folders per process) against one Kustomize process per folder;
4. `cache`: validate of that catalog with a warm cache against a cold one (empty cache);
5. `changed`: validate --changed after changing one app of that catalog against the full
   validate;
6. `batch-sizes`: the builds of that catalog's folders per aggregate size (its own table).

`--only` runs the rows named; with `--write` the report keeps the other rows already in the
file.
"""

from __future__ import annotations

import argparse
import contextlib
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import kubernetes_validate
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import kustomize  # noqa: E402
from generator.api import Repository, generate  # noqa: E402
from generator.builds.batch import DEFAULT_BATCH, Builder  # noqa: E402
from generator.builds.cache import Cache  # noqa: E402
from generator.k8s.schema import default_registry  # noqa: E402
from generator.validate.repository import validate  # noqa: E402
from tests.test_validate_changed import catalog  # noqa: E402


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def objects_of_example() -> list[dict]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "catalog.yaml").write_text((ROOT / "catalog.yaml").read_text())
        result = generate(Repository.at(root))
        folders = sorted({str(Path(p).parent) for p in result.tree if p.startswith("overlays/")})
        builds = kustomize.build_all([root / f for f in folders])
    return [d for b in builds for d in yaml.safe_load_all(b.output) if d]


def bench_schemas(repeat: int) -> tuple[str, float, float]:
    objects = objects_of_example() * 5
    registry = default_registry()
    registry.problems(objects[0], "1.31")  # warm the cache, as a run does after its first object

    def ours() -> None:
        for obj in objects:
            registry.problems(obj, "1.31")

    def baseline() -> None:
        for obj in objects:
            # CRDs are unknown to it and raise; it still spent the lookup.
            with contextlib.suppress(Exception):
                kubernetes_validate.validate(obj, "1.31", strict=True)

    return (
        f"schema validation of {len(objects)} objects",
        timed(ours, repeat),
        timed(baseline, repeat),
    )


def big_repository(tmp: Path) -> Path:
    root = tmp / "repo"
    root.mkdir()
    for args in (
        ["init", "-q", "-b", "main"],
        ["config", "user.email", "b@example.com"],
        ["config", "user.name", "bench"],
    ):
        subprocess.run(["git", *args], cwd=root, check=True)
    (root / "catalog.yaml").write_text(catalog())
    generate(Repository.at(root))
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "base"], cwd=root, check=True)
    (root / "catalog.yaml").write_text(catalog(changed="2.0.0"))
    generate(Repository.at(root))
    return root


Row = tuple[str, float, float]  # what, gitopsgen (s), baseline (s)

ROWS = {
    "schemas": "schema validation of {objects} objects",
    # One Kustomize process per folder, as many at once as there are cores, or one at a time.
    "parallel": "validate, 200 apps x 3 environments: parallel builds vs one at a time",
    "batched": "validate, 200 apps x 3 environments: batched builds vs one Kustomize process "
    "per folder",
    "cache": "validate, 200 apps: warm cache vs cold (empty) cache",
    "changed": "validate --changed (one app) vs full validate, 200 apps",
}
BATCH_SIZES = (1, 10, 25, 50, 100, 200)  # 1: one Kustomize process per folder


def bench_parallel(repo: Repository, repeat: int) -> Row:
    parallel = timed(lambda: validate(repo, builder=Builder(batch=1)), repeat)
    sequential = timed(lambda: validate(repo, builder=Builder(batch=1, workers=1)), repeat)
    return ROWS["parallel"], parallel, sequential


def bench_batched(repo: Repository, repeat: int) -> Row:
    batched = timed(lambda: validate(repo), repeat)
    alone = timed(lambda: validate(repo, builder=Builder(batch=1)), repeat)
    return ROWS["batched"], batched, alone


def bench_cache(repo: Repository, repeat: int) -> Row:
    with tempfile.TemporaryDirectory() as tmp:
        counter = iter(range(repeat + 1))
        cold = timed(
            lambda: validate(repo, builder=Builder(cache=Cache(Path(tmp) / str(next(counter))))),
            repeat,
        )
        warm_cache = Cache(Path(tmp) / "warm")
        validate(repo, builder=Builder(cache=warm_cache))
        warm = timed(lambda: validate(repo, builder=Builder(cache=warm_cache)), repeat)
    return ROWS["cache"], warm, cold


def bench_changed(repo: Repository, repeat: int) -> Row:
    changed = timed(lambda: validate(repo, changed_since="HEAD"), repeat)
    full = timed(lambda: validate(repo), repeat)
    return ROWS["changed"], changed, full


def bench_batch_sizes(root: Path, repeat: int) -> tuple[list[tuple[int, float]], int]:
    folders = sorted(p.parent for p in root.glob("overlays/*/*/kustomization.yaml"))
    sizes = [
        (size, timed(lambda size=size: Builder(batch=size).build(root, folders), repeat))
        for size in BATCH_SIZES
    ]
    return sizes, len(folders)


def table(rows: list[Row]) -> list[str]:
    return [
        f"| {what} | {ours:.2f} | {base:.2f} | {base / ours:.1f}x |" for what, ours, base in rows
    ]


def merged(old: str, new: list[str]) -> list[str]:
    """The rows of the old report that the new one does not measure, then the new ones, in
    the order of ROWS."""
    kept = {line.split(" | ")[0]: line for line in old.splitlines() if line.startswith("| ")}
    kept.pop("| what", None)
    kept |= {line.split(" | ")[0]: line for line in new}
    order = [f"| {text}" for text in ROWS.values()]
    first = [k for k in kept if k.startswith("| schema validation of ")]
    return [kept[k] for k in first + [o for o in order[1:] if o in kept]]


def sizes_table(sizes: list[tuple[int, float]], folders: int) -> list[str]:
    lines = [f"| folders per aggregate | builds of {folders} folders (s) | per folder (ms) |"]
    lines.append("|---:|---:|---:|")
    for size, seconds in sizes:
        mark = " (default)" if size == DEFAULT_BATCH else " (one per process)" if size == 1 else ""
        lines.append(f"| {size}{mark} | {seconds:.2f} | {1000 * seconds / folders:.0f} |")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--only", nargs="+", choices=[*ROWS, "batch-sizes"], help="run only these rows"
    )
    args = parser.parse_args()
    only = set(args.only or [*ROWS, "batch-sizes"])
    rows: list[Row] = []
    sizes: list[tuple[int, float]] = []
    folders = 0
    if "schemas" in only:
        rows.append(bench_schemas(args.repeat))
    with tempfile.TemporaryDirectory() as tmp:
        root = big_repository(Path(tmp))
        repo = Repository.at(root)
        benches = {"parallel": bench_parallel, "batched": bench_batched, "cache": bench_cache}
        rows += [bench(repo, args.repeat) for name, bench in benches.items() if name in only]
        if "changed" in only:
            rows.append(bench_changed(repo, args.repeat))
        if "batch-sizes" in only:
            sizes, folders = bench_batch_sizes(root, args.repeat)
    old = args.write.read_text() if args.write and args.write.is_file() else ""
    body = merged(old, table(rows)) if args.only else table(rows)
    lines = [
        "# Benchmarks",
        "",
        "Generated by `.venv/bin/python benchmarks/run.py --write docs/benchmarks.md`; each row",
        "times gitopsgen and its baseline in the same run (median of "
        f"{args.repeat} runs) on {platform.machine()}, Python {platform.python_version()}, "
        f"{kustomize.version().splitlines()[0]}.",
        "",
        "| what | gitopsgen (s) | baseline (s) | speed-up |",
        "|---|---:|---:|---:|",
        *body,
        "",
        "Reading the rows: the schema baseline loads and compiles the schema of every object;",
        "gitopsgen compiles one validator per kind and Kubernetes version and reuses it. A",
        "validate without batching is mostly Kustomize: one `kubectl kustomize` process per",
        "folder (603 here), and kubectl uses several threads itself, so parallel builds gain",
        "less than the number of cores. Batched builds put the folders of one environment in",
        "aggregates of about 50 (one process each) and split the output back per folder. A warm",
        "cache builds nothing and runs no rule: what is left is reading the catalog, rendering",
        "the tree to compare it with the files, and hashing the files each build reads.",
        "`--changed` builds only the folders the change touches (here 4 of 603).",
    ]
    if sizes:
        lines += [
            "",
            "## Folders per aggregate",
            "",
            "The builds alone (no rules), of every folder of the 200-app catalog:",
            "",
            *sizes_table(sizes, folders),
            "",
            "From 25 to 200 folders per aggregate the times are within this machine's noise",
            "(2 shared cores); the default stays at 50 because one aggregate's build grows",
            "quadratically beyond about 100 folders (measured at 1,000 apps, issue 9).",
        ]
    elif old and "## Folders per aggregate" in old:
        lines += ["", old[old.index("## Folders per aggregate") :].rstrip("\n")]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.write:
        args.write.write_text(report)


if __name__ == "__main__":
    main()

"""Benchmarks: each compares gitopsgen with a baseline in the same run and reports the ratio.

Run: .venv/bin/python benchmarks/run.py [--write docs/benchmarks.md]

1. schema validation: one compiled validator per kind (generator.k8s.schema) against
   kubernetes-validate's own `validate()`, which loads and compiles the schema for every
   document;
2. validate of a 200-app catalog: Kustomize builds in parallel (the default) against one
   build at a time;
3. validate --changed after changing one app of that catalog against the full validate;
4. scaling: lint of one file of 20,000 documents against one of 2,000 (benchmarks/
   manifests.py): linear is 10x, and the run fails above 12x.

`--only speed` or `--only scaling` runs one part; with `--write`, the other part's section
is kept as the file has it.
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

from benchmarks.manifests import documents  # noqa: E402
from generator import kustomize  # noqa: E402
from generator.api import Repository, generate  # noqa: E402
from generator.k8s.schema import default_registry  # noqa: E402
from generator.rule import RuleContext  # noqa: E402
from generator.validate.lint import lint  # noqa: E402
from generator.validate.repository import validate  # noqa: E402
from tests.test_validate_changed import catalog  # noqa: E402

SCALING_BOUND = 12.0  # lint of 10x the documents may take at most this many times as long
MARK = "<!-- section: {} -->"


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def cpu_and_wall(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median CPU and wall seconds of the same runs."""
    cpu, wall = [], []
    for _ in range(repeat):
        start, started = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - start)
        wall.append(time.perf_counter() - started)
    return statistics.median(cpu), statistics.median(wall)


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


def bench_validate(root: Path, repeat: int) -> list[tuple[str, float, float]]:
    repo = Repository.at(root)
    parallel = timed(lambda: validate(repo), repeat)
    real_build_all = kustomize.build_all
    kustomize.build_all = lambda folders, workers=None: real_build_all(folders, workers=1)  # type: ignore[assignment]
    import generator.validate.repository as module

    module.build_all = kustomize.build_all
    try:
        sequential = timed(lambda: validate(repo), repeat)
    finally:
        kustomize.build_all = real_build_all
        module.build_all = real_build_all
    changed = timed(lambda: validate(repo, changed_since="HEAD"), repeat)
    return [
        (
            "validate, 200 apps x 3 environments: parallel builds vs one at a time",
            parallel,
            sequential,
        ),
        ("validate --changed (one app) vs full validate, 200 apps", changed, parallel),
    ]


Scaling = tuple[int, int, int, list[float]]  # documents, documents, bytes, seconds


def bench_lint_scaling(tmp: Path, repeat: int) -> Scaling:
    """Documents of the small and the large file, the large file's bytes, and the seconds of
    each: CPU (lint is one thread; on a shared machine wall time measures the neighbours
    too) and wall."""
    ctx = RuleContext(kubernetes_version="1.31", pod_security_level="restricted")
    found = []
    for count in (2_000, 20_000):
        text = documents(count)
        path = tmp / f"lint-{count}.yaml"
        path.write_text(text)
        found.append((text.count("\n---\n") + 1, path, len(text.encode())))
    lint([found[0][1]], ctx)  # warm the schema cache, as any run does after its first object
    (small, small_path, _), (large, large_path, size) = found
    (cpu_small, wall_small), (cpu_large, wall_large) = (
        cpu_and_wall(lambda p=path: lint([p], ctx), repeat) for path in (small_path, large_path)
    )
    return small, large, size, [cpu_small, cpu_large, wall_small, wall_large]


def speed_section(repeat: int) -> list[str]:
    rows = [bench_schemas(repeat)]
    with tempfile.TemporaryDirectory() as tmp:
        rows += bench_validate(big_repository(Path(tmp)), repeat)
    return [
        "| what | gitopsgen (s) | baseline (s) | speed-up |",
        "|---|---:|---:|---:|",
        *(
            f"| {what} | {ours:.2f} | {base:.2f} | {base / ours:.1f}x |"
            for what, ours, base in rows
        ),
        "",
        "Reading the rows: the schema baseline loads and compiles the schema of every object;",
        "gitopsgen compiles one validator per kind and Kubernetes version and reuses it. A full",
        "validate is mostly Kustomize: one `kubectl kustomize` process per folder (603 here),",
        "and kubectl uses several threads itself, so parallel builds gain less than the number",
        "of cores. `--changed` builds only the folders the change touches (here 6 of 603).",
    ]


def scaling_section(repeat: int) -> tuple[list[str], float]:
    with tempfile.TemporaryDirectory() as tmp:
        small, large, size, (cpu_small, cpu_large, wall_small, wall_large) = bench_lint_scaling(
            Path(tmp), repeat
        )
    ratio = cpu_large / cpu_small
    return [
        "## Scaling",
        "",
        f"| what | small: CPU s (wall) | large: CPU s (wall) | CPU ratio (bound "
        f"{SCALING_BOUND:.0f}x) |",
        "|---|---:|---:|---:|",
        f"| lint of one file: {large:,} documents ({size / 1e6:.1f} MB) vs {small:,} "
        f"| {cpu_small:.2f} ({wall_small:.2f}) | {cpu_large:.2f} ({wall_large:.2f}) "
        f"| {ratio:.1f}x |",
        "",
        "Ten times the documents should take ten times as long: `lint` reads a file in one pass",
        "over libyaml's events and the rules find a workload's NetworkPolicies and",
        "PodDisruptionBudgets through an index by namespace and label (before, every workload",
        "scanned every object of the file: quadratic). The file is `benchmarks/manifests.py`",
        "(namespaces of 20 apps, ten objects an app, no findings). The ratio is of CPU time:",
        "lint runs on one thread, and wall time on a shared machine also measures the others.",
    ], ratio


def _kept(path: Path | None, name: str) -> list[str]:
    """The section `name` of the report at `path`, as written there."""
    if path is None or not path.exists():
        return []
    text = path.read_text()
    start, end = MARK.format(name), MARK.format("end " + name)
    if start not in text or end not in text:
        return []
    return text.split(start, 1)[1].split(end, 1)[0].strip("\n").splitlines()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", type=Path, help="write the Markdown report here")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("speed", "scaling"), help="run one part")
    args = parser.parse_args()
    speed = speed_section(args.repeat) if args.only != "scaling" else _kept(args.write, "speed")
    ratio = 0.0
    if args.only != "speed":
        scaling, ratio = scaling_section(args.repeat)
    else:
        scaling = _kept(args.write, "scaling")
    lines = [
        "# Benchmarks",
        "",
        "Generated by `.venv/bin/python benchmarks/run.py --write docs/benchmarks.md`; each row",
        "times gitopsgen and its baseline in the same run (median of "
        f"{args.repeat} runs) on {platform.machine()}, Python {platform.python_version()}, "
        f"{kustomize.version().splitlines()[0]}.",
        "",
        MARK.format("speed"),
        *speed,
        MARK.format("end speed"),
        "",
        MARK.format("scaling"),
        *scaling,
        MARK.format("end scaling"),
    ]
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.write:
        args.write.write_text(report)
    if ratio > SCALING_BOUND:
        sys.exit(f"lint scaling {ratio:.1f}x is above the bound of {SCALING_BOUND:.0f}x")


if __name__ == "__main__":
    main()

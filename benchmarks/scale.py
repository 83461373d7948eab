"""The scale rows of benchmarks/run.py (`--only scale --apps 100 1000`): for each number of
apps, a fresh git repository with the synthetic catalog (benchmarks/synthetic.py), and each
command timed as a separate process, interpreter start included, with its peak memory
(benchmarks/measure.py):

generate from scratch, commit, a no-op generate (it must write nothing: its own count and
`git status`), validate cold (--no-cache; and an empty --cache-dir D), warm (the same D);
then one app's dev version is edited and generated, and validate --changed runs with a copy
of the warm D that the edit's generate also used (the pre-commit path) and with --no-cache;
last the baselines (benchmarks/baselines.py): the naive pipeline and the floor (with Go's
default collector and with gitopsgen's settings). Every
validate must find nothing. With `profiles`, the largest size also profiles generate (from
scratch, no-op, and the edit's with a copy of the warm D) and then validate --changed with
that copy, with cProfile into text summaries.
"""

from __future__ import annotations

import compileall
import io
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.measure import Run, measure
from benchmarks.synthetic import catalog, keys
from generator.limits import CATALOG

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
GITOPSGEN = str(BIN / "gitopsgen")
NAIVE_SAMPLE = 500  # folders the naive pipeline builds at most; more are extrapolated
BUMPED = 7  # the app whose dev version the --changed rows edit (a StatefulSet with dependents)

ROWS = {
    "start": "`gitopsgen --version`: interpreter start and the CLI, for scale",
    "generate": "`generate` from scratch (empty tree)",
    "noop": "`generate`, no-op (writes 0 files)",
    "edit": "`generate` after editing one app's version",
    "nocache": "`validate --no-cache` (cold)",
    "cold": "`validate --cache-dir D`, cold (empty D)",
    "warm": "`validate --cache-dir D`, warm",
    "changed-warm": "`validate --changed`, one app edited, warm D (pre-commit, after generate)",
    "changed-nocache": "`validate --changed --no-cache`, one app edited",
    "naive": "naive: one `kubectl kustomize` per folder + kubernetes-validate, {cores} at once",
    "floor": "floor: Kustomize alone, aggregates of 50, {cores} at once",
    "floor-tuned": "floor with gitopsgen's Go collector settings (GOGC=off, GOMEMLIMIT=128MiB)",
}
BASELINES = ("naive", "floor", "floor-tuned")
OURS = [k for k in ROWS if k not in BASELINES]


class Failed(Exception):
    """A command did not do what the benchmark needs (the numbers would mean nothing)."""


@dataclass
class Size:
    apps: int
    runs: dict[str, Run] = field(default_factory=dict)
    files: int = 0  # files generate writes
    folders: int = 0  # overlay folders
    edited: int = 0  # files the edit's generate wrote
    naive_built: int = 0  # folders the naive pipeline built (a sample, or all)
    load: tuple[float, float] = (0.0, 0.0)  # the 1-minute load average before and after
    keys: int = 0  # keys and list items of the catalog
    max_keys: int | None = None  # GITOPSGEN_MAX_KEYS when the default is too low for it

    def seconds(self, row: str) -> float:
        """Wall seconds; the naive pipeline's extrapolated to every folder."""
        return self.runs[row].wall * self._scale(row)

    def cpu(self, row: str) -> float:
        return self.runs[row].cpu * self._scale(row)

    def _scale(self, row: str) -> float:
        return self.folders / self.naive_built if row == "naive" else 1.0


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True)
    return done.stdout


def median_run(fn: Callable[[int], Run], repeat: int) -> Run:
    """The run of median wall time, with the largest memory of all the runs."""
    runs = sorted((fn(n) for n in range(repeat)), key=lambda r: r.wall)
    middle = runs[(len(runs) - 1) // 2]
    return Run(
        middle.wall,
        middle.cpu,
        max(r.peak_mib for r in runs),
        max(r.tree_mib for r in runs),
        middle.rc,
        middle.stdout,
        middle.stderr,
    )


def clean(run: Run, what: str) -> Run:
    """A validate run that exited 0 with no finding at all."""
    try:
        findings = json.loads(run.stdout)["findings"]
    except (ValueError, KeyError):
        findings = None
    if run.rc != 0 or findings != []:
        raise Failed(f"{what}: exit {run.rc}, findings {run.stdout[:2000]}{run.stderr}")
    return run


def wrote(run: Run) -> int:
    found = re.match(r"wrote (\d+) files?, removed (\d+), (\d+) unchanged", run.stdout)
    if run.rc != 0 or found is None:
        raise Failed(f"generate: exit {run.rc}: {run.stdout}{run.stderr}")
    return int(found[1]) + int(found[2])


def environment(tmp: Path, catalog_keys: int) -> dict[str, str]:
    """The commands' environment: this checkout's code, a cache folder of the run's own,
    and the catalog's limit of keys raised (to the manifests' 100,000) only when the
    catalog needs it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp / "xdg")}
    env.pop("GITOPSGEN_MAX_KEYS", None)
    if catalog_keys > CATALOG.keys:
        env["GITOPSGEN_MAX_KEYS"] = str(max(100_000, 2 * catalog_keys))
    return env


def bench_size(apps: int, tmp: Path, repeat: int, big_repeat: int) -> tuple[Size, Path, Path]:
    """The rows at `apps` apps; also the repository and the pristine warm cache."""
    size = Size(apps)
    root = tmp / f"repo-{apps}"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "bench@example.com")
    git(root, "config", "user.name", "bench")
    git(root, "config", "commit.gpgsign", "false")
    text = catalog(apps)
    (root / "catalog.yaml").write_text(text)
    size.keys = keys(text)
    env = environment(tmp, size.keys)
    size.max_keys = int(env["GITOPSGEN_MAX_KEYS"]) if "GITOPSGEN_MAX_KEYS" in env else None

    def run(*args: str) -> Run:
        return measure([GITOPSGEN, *args], root, env)

    size.load = (os.getloadavg()[0], 0.0)
    size.runs["start"] = median_run(lambda _: run("--version"), repeat)
    size.runs["generate"] = run("generate")
    size.files = wrote(size.runs["generate"])
    git(root, "add", "-A")
    git(root, "commit", "-qm", f"{apps} apps")
    size.runs["noop"] = median_run(lambda _: run("generate"), repeat)
    if wrote(size.runs["noop"]) != 0 or git(root, "status", "--porcelain"):
        raise Failed(f"the no-op generate wrote files: {size.runs['noop'].stdout}")
    size.folders = len(list(root.glob("overlays/*/*/kustomization.yaml")))

    validate = ("validate", "--format", "json", "--quiet")
    caches = tmp / f"caches-{apps}"
    size.runs["nocache"] = median_run(
        lambda _: clean(run(*validate, "--no-cache"), "validate --no-cache"), big_repeat
    )
    size.runs["cold"] = median_run(
        lambda n: clean(run(*validate, "--cache-dir", str(caches / f"cold-{n}")), "cold"),
        big_repeat,
    )
    warm = caches / "cold-0"
    size.runs["warm"] = median_run(
        lambda _: clean(run(*validate, "--cache-dir", str(warm)), "warm"), repeat
    )
    pristine = caches / "warm"
    shutil.copytree(warm, pristine)

    (root / "catalog.yaml").write_text(catalog(apps, bumped=BUMPED))
    size.runs["edit"] = run("generate")
    size.edited = wrote(size.runs["edit"])

    def changed_warm(n: int) -> Run:
        # The pre-commit path: the user generated the edit with the cache the hook uses
        # (that generate is the "edit" row; here it only fills the copy, and is not timed).
        copy = caches / f"changed-{n}"
        shutil.copytree(pristine, copy)
        if wrote(run("generate", "--cache-dir", str(copy))) != 0:
            raise Failed("the edit was generated already")
        return clean(run(*validate, "--changed", "--cache-dir", str(copy)), "--changed")

    size.runs["changed-warm"] = median_run(changed_warm, repeat)
    size.runs["changed-nocache"] = median_run(
        lambda _: clean(run(*validate, "--changed", "--no-cache"), "--changed --no-cache"), repeat
    )

    def baseline(name: str, *args: str) -> Run:
        done = measure([sys.executable, "-m", "benchmarks.baselines", name, *args], ROOT, env)
        if done.rc != 0:
            raise Failed(f"{name}: {done.stderr}")
        return done

    size.runs["naive"] = median_run(
        lambda _: baseline("naive", str(root), "--sample", str(NAIVE_SAMPLE)), big_repeat
    )
    size.naive_built = json.loads(size.runs["naive"].stdout)["built"]
    size.runs["floor"] = median_run(lambda _: baseline("floor", str(root)), big_repeat)
    size.runs["floor-tuned"] = median_run(lambda _: baseline("floor-tuned", str(root)), big_repeat)
    size.load = (size.load[0], os.getloadavg()[0])
    return size, root, pristine


# Profiles: what dominates generate and validate --changed (for the optimisation work).


def _shown(text: str) -> str:
    """Paths relative to the repository and to site-packages."""
    text = text.replace(str(ROOT) + "/", "")
    return text.replace(sysconfig.get_path("purelib") + "/", "site-packages/")


def profile_text(stats_file: Path, title: str, wall: float, top: int = 25) -> str:
    """The top entries by cumulative time, by cumulative time among gitopsgen's own
    functions (past the CLI's frames), and by own time."""
    out = []
    for heading, order, only in (
        (f"top {top} by cumulative time", "cumulative", ()),
        (f"top {top} of generator/ by cumulative time", "cumulative", (r"/generator/",)),
        (f"top {top} by own time (tottime)", "tottime", ()),
    ):
        stream = io.StringIO()
        stats = pstats.Stats(str(stats_file), stream=stream).sort_stats(order)
        stats.print_stats(*only, top)
        body = stream.getvalue()
        body = body[body.index("   Ordered by") :] if "   Ordered by" in body else body
        out += [f"## {heading}", "", _shown(body).rstrip(), ""]
    return "\n".join([f"# {title}", "", f"wall under cProfile: {wall:.2f} s", "", *out])


def profiles(apps: int, tmp: Path, root: Path, pristine: Path, folder: Path) -> list[Path]:
    """cProfile summaries of generate (from scratch, no-op, the edit's with a copy of the
    warm cache), validate --changed with that copy and a cold validate (--no-cache), at
    `apps` apps, into `folder`. cProfile sees gitopsgen's own process: its Kustomize
    processes show as the time spent waiting for them."""
    fresh = tmp / f"profile-{apps}"
    fresh.mkdir()
    text = catalog(apps)
    (fresh / "catalog.yaml").write_text(text)
    env = environment(tmp, keys(text))
    # From scratch as the row is: a cache folder of its own, empty; the no-op run finds
    # what the first one kept there.
    scratch = {**env, "XDG_CACHE_HOME": str(tmp / f"profile-xdg-{apps}")}
    copy = tmp / f"profile-cache-{apps}"
    shutil.copytree(pristine, copy)
    jobs = [
        ("generate", fresh, ["generate"], scratch),
        ("generate-noop", fresh, ["generate"], scratch),
        ("generate-edit", root, ["generate", "--cache-dir", str(copy)], env),
        (
            "validate-changed",
            root,
            ["validate", "--changed", "--cache-dir", str(copy), "--quiet", "--format", "json"],
            env,
        ),
        ("validate-cold", root, ["validate", "--no-cache", "--quiet", "--format", "json"], env),
    ]
    written = []
    folder.mkdir(parents=True, exist_ok=True)
    for name, cwd, args, job_env in jobs:
        prof = tmp / f"{name}-{apps}.prof"
        command = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "generator", *args]
        done = measure(command, cwd, job_env)  # cProfile exits 0 whatever the command did
        _ = clean(done, name) if name.startswith("validate") else wrote(done)
        title = f"`gitopsgen {' '.join(args[:2])}` at {apps:,} apps x 3 environments ({name})"
        path = folder / f"{name}-{apps}.txt"
        path.write_text(profile_text(prof, title, done.wall))
        written.append(path)
    return written


def run_sizes(
    sizes: list[int], repeat: int, big_repeat: int, profile_folder: Path | None, tmp: Path
) -> list[Size]:
    # gitopsgen as installed: pip compiles a package's bytecode when it installs it, and a
    # run reads it; where PYTHONDONTWRITEBYTECODE is set (as on some CI machines) an editable
    # checkout would compile every module from source in each process instead.
    compileall.compile_dir(ROOT / "generator", quiet=1)
    done = []
    for n, apps in enumerate(sizes):
        size, root, pristine = bench_size(apps, tmp, repeat, big_repeat)
        done.append(size)
        print(f"scale: {apps} apps done", file=sys.stderr)
        if profile_folder is not None and n == len(sizes) - 1:
            for path in profiles(apps, tmp, root, pristine, profile_folder):
                print(f"scale: wrote {path}", file=sys.stderr)
    return done


def labels() -> Mapping[str, str]:
    cores = os.cpu_count() or 2
    return {k: v.format(cores=cores) for k, v in ROWS.items()}

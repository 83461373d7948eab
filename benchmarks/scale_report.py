"""The Markdown section of the scale rows: a table per size, the ratios between the sizes,
and each target with met, or missed by how much."""

from __future__ import annotations

from dataclasses import dataclass

from benchmarks.scale import NAIVE_SAMPLE, OURS, Size, labels
from generator.limits import CATALOG

HEADING = "## Scale: 100 and 1,000 apps"
GROWTH_BOUND = 12.0  # 10x the apps may take at most this many times as long
GIB = 1024.0


def size_table(size: Size) -> list[str]:
    names = labels()
    floor = size.seconds("floor")
    lines = [
        f"### {size.apps:,} apps x 3 environments ({size.folders:,} overlay folders, "
        f"{size.files:,} generated files)",
        "",
        "| what | wall s | CPU s | peak MiB, largest process | peak MiB, process tree "
        "| wall vs floor |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row, run in size.runs.items():
        sampled = row == "naive" and size.naive_built < size.folders
        mark = " *" if sampled else ""
        lines.append(
            f"| {names[row]}{mark} | {size.seconds(row):.2f} | {size.cpu(row):.2f} "
            f"| {run.peak_mib:.0f} | {run.tree_mib:.0f} | {size.seconds(row) / floor:.2f}x |"
        )
    notes = [
        "",
        f"The edit's `generate` wrote {size.edited} file{'' if size.edited == 1 else 's'}. "
        "Every validate found nothing (exit 0, an empty finding list). The machine's load "
        f"average (1 minute) was {size.load[0]:.1f} before these rows and {size.load[1]:.1f} "
        "after: wall times above CPU times are mostly other processes' (or the disk's).",
    ]
    if size.max_keys is not None:
        notes += [
            "",
            f"The catalog has {size.keys:,} keys and list items, more than the default limit "
            f"of {CATALOG.keys:,} (README, Input limits), which refuses it: every command ran "
            f"with `GITOPSGEN_MAX_KEYS={size.max_keys}`.",
        ]
    if size.naive_built < size.folders:
        run = size.runs["naive"]
        notes += [
            "",
            f"\\* Measured on a stable random sample of {size.naive_built} of the "
            f"{size.folders:,} folders ({run.wall:.2f} s wall, {run.cpu:.2f} s CPU) and "
            f"extrapolated linearly (x {size.folders / size.naive_built:.2f}); its memory is "
            "the sample's.",
        ]
    return lines + notes


def growth(small: Size, large: Size) -> list[str]:
    names = labels()
    lines = [
        f"### {small.apps:,} vs {large.apps:,} apps",
        "",
        f"| what | {small.apps:,} apps: wall s | {large.apps:,} apps: wall s | ratio "
        f"(bound {GROWTH_BOUND:.0f}x) | {small.apps:,} apps: CPU s | {large.apps:,} apps: CPU s "
        "| CPU ratio |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in large.runs:
        a, b = small.seconds(row), large.seconds(row)
        ca, cb = small.cpu(row), large.cpu(row)
        lines.append(
            f"| {names[row]} | {a:.2f} | {b:.2f} | {b / a:.1f}x | {ca:.2f} | {cb:.2f} "
            f"| {cb / ca:.1f}x |"
        )
    return lines


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    value: float  # of wall times
    cpu: float | None  # the same of CPU times: less noisy on a shared machine
    bound: float
    upper: bool = True  # the value must stay at or under the bound (else at or over)

    def verdict(self, value: float | None) -> str:
        if value is None:
            return "-"
        if (value <= self.bound) if self.upper else (value >= self.bound):
            return "met"
        if self.upper:
            return f"**missed**: {value / self.bound:.1f}x the bound"
        return f"**missed**: {self.bound / value:.1f}x short"

    def row(self) -> str:
        cpu = "" if self.cpu is None else f" ({self.cpu:.2f})"
        return (
            f"| {self.what} | {self.measured} | {self.verdict(self.value)} "
            f"| {self.verdict(self.cpu)}{cpu} |"
        )


def targets(large: Size, small: Size | None) -> list[Target]:
    s = large.seconds

    def c(row: str) -> float:
        return large.cpu(row)

    cold_row = max(("nocache", "cold"), key=s)
    cold, floor = s(cold_row), s("floor")
    worst_tree = max(OURS, key=lambda r: large.runs[r].tree_mib)
    worst_single = max(OURS, key=lambda r: large.runs[r].peak_mib)
    names = labels()
    found = [
        Target(
            "validate cold <= floor",
            f"{cold / floor:.2f}x ({cold:.2f} s, {names[cold_row]}, vs {floor:.2f} s; "
            f"{cold / s('floor-tuned'):.2f}x the floor with the same collector settings)",
            cold / floor,
            c(cold_row) / c("floor"),
            1.0,
        ),
        Target(
            "validate warm <= 0.1x floor",
            f"{s('warm') / floor:.2f}x ({s('warm'):.2f} s)",
            s("warm") / floor,
            c("warm") / c("floor"),
            0.1,
        ),
        Target(
            "validate cold >= 20x faster than naive",
            f"{s('naive') / cold:.1f}x ({s('naive'):.1f} s vs {cold:.2f} s)",
            s("naive") / cold,
            c("naive") / c(cold_row),
            20.0,
            upper=False,
        ),
        Target(
            "`validate --changed`, one app edited, < 1.5 s (warm cache, interpreter included)",
            f"{s('changed-warm'):.2f} s (without a cache: {s('changed-nocache'):.2f} s)",
            s("changed-warm"),
            c("changed-warm"),
            1.5,
        ),
        Target(
            "generate from scratch < 5 s",
            f"{s('generate'):.2f} s",
            s("generate"),
            c("generate"),
            5.0,
        ),
        Target(
            "no-op generate < 2 s, writes nothing",
            f"{s('noop'):.2f} s, 0 files written, git status clean",
            s("noop"),
            c("noop"),
            2.0,
        ),
        Target(
            "peak memory < 1 GiB per command",
            f"{large.runs[worst_tree].tree_mib:.0f} MiB process tree ({names[worst_tree]}); "
            f"largest process {large.runs[worst_single].peak_mib:.0f} MiB "
            f"({names[worst_single]})",
            large.runs[worst_tree].tree_mib,
            None,
            GIB,
        ),
    ]
    if small is not None:
        worst = max(OURS, key=lambda r: s(r) / small.seconds(r))
        worst_cpu = max(OURS, key=lambda r: c(r) / small.cpu(r))
        ratio = s(worst) / small.seconds(worst)
        found.append(
            Target(
                f"{small.apps:,} vs {large.apps:,} apps within {GROWTH_BOUND:.0f}x",
                f"worst {ratio:.1f}x ({names[worst]}); by CPU time the worst is {names[worst_cpu]}",
                ratio,
                c(worst_cpu) / small.cpu(worst_cpu),
                GROWTH_BOUND,
            )
        )
    return found


def section(sizes: list[Size], cores: int, repeat: int) -> list[str]:
    large = sizes[-1]
    small = sizes[0] if len(sizes) > 1 else None
    runs = (
        "Every row ran once."
        if repeat == 1
        else f"The --version, no-op generate, warm and --changed rows are the median of {repeat} "
        "runs, the others ran once."
    )
    lines = [
        HEADING,
        "",
        "`benchmarks/run.py --only scale --apps "
        + " ".join(str(s.apps) for s in sizes)
        + "`: the synthetic catalog of `benchmarks/synthetic.py` (80% Deployments, 10% "
        "StatefulSets, 10% CronJobs; ports, ingress, config, secrets, probes, autoscaling in "
        "prod, dependsOn) in a fresh git repository, each command a process of its own "
        "(`gitopsgen ...`, interpreter start included, its bytecode compiled first, as "
        "pip compiles an installed package) on "
        f"{cores} cores. {runs} Peak memory: the largest single process "
        "(`ru_maxrss`, exact) and the whole process tree at once (sampled every 0.1 s). The "
        f"naive pipeline builds at most {NAIVE_SAMPLE} folders and is extrapolated beyond. "
        "The commands use the run's own cache folder (`XDG_CACHE_HOME`), as a user's do: "
        "`generate` from scratch starts it empty, so the no-op `generate` and the one after "
        "the edit find the environments the first one checked (README, Commands). The "
        "pre-commit row is the hook after the user's `generate`: a copy of the warm D, "
        "`generate --cache-dir` with it (the edit is on disk already, so it writes nothing "
        "and is not timed; it keeps what it parsed and checked, as the user's generate "
        "does), then the timed `validate --changed` with the same D. The floor runs "
        "Kustomize with Go's default collector (`GOGC=100`), as a user running it gets it; "
        "gitopsgen runs it with the collector off until 128 MiB (README, validate), and the "
        "tuned floor row is the floor with those settings, for comparison.",
        "",
    ]
    for size in sizes:
        lines += [*size_table(size), ""]
    if small is not None:
        lines += [*growth(small, large), ""]
    lines += [
        f"### Targets ({large.apps:,} apps x 3 environments, {cores} cores)",
        "",
        "| target | measured (wall) | on wall time | on CPU time (its value) |",
        "|---|---|---|---|",
        *(t.row() for t in targets(large, small)),
        "",
        "The targets are on wall time. On a shared machine the same ratios of CPU seconds are",
        "steadier; for a command that runs on one thread (generate, most of validate",
        "--changed) its CPU time is about its wall time on an idle machine, while Kustomize's",
        "builds run on both cores, so a cold validate or the floor takes about half its CPU",
        "time on an idle machine. `generate` checks what the catalog renders in a forked",
        "child while it renders the tree, so its CPU time can exceed its wall time too.",
        "",
        *bounds(large, cores),
    ]
    return lines


def bounds(large: Size, cores: int) -> list[str]:
    """What bounds the two validate targets, from this run's own numbers."""
    floor, naive = large.seconds("floor"), large.seconds("naive")
    return [
        "What bounds the cold validate: it runs the tuned floor's builds "
        f"({large.cpu('floor-tuned'):.1f} CPU s here) and, on the same cores, reads their "
        f"output and runs the rules on it ({large.cpu('cold'):.1f} CPU s in all). With every "
        f"core busy its wall time is at least its CPU time over the cores, here "
        f"{large.cpu('cold') / cores:.1f} s against the floor's {floor:.1f} s. The "
        f"naive pipeline is {naive / floor:.1f}x the floor, so being 20x faster than it "
        f"would take a cold validate at {naive / 20 / floor:.2f}x the floor. Where the time "
        f"goes: `benchmarks/profiles/validate-cold-{large.apps}.txt` and "
        f"`generate-{large.apps}.txt` (cProfile of gitopsgen's own process; Kustomize's "
        "processes show as the time spent waiting for them).",
    ]

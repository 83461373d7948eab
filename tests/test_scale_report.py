"""The scale report's account of what bounds the cold validate comes from the run's own
numbers (benchmarks/scale_report.py)."""

from benchmarks.measure import Run
from benchmarks.scale import Size
from benchmarks.scale_report import bounds


def _run(wall: float, cpu: float) -> Run:
    return Run(wall=wall, cpu=cpu, peak_mib=100.0, tree_mib=100.0, rc=0, stdout="", stderr="")


def test_bounds_states_the_floor_arithmetic_of_the_run():
    large = Size(apps=1000, folders=3000, naive_built=500)
    large.runs = {
        "floor": _run(30.0, 58.0),
        "floor-tuned": _run(26.0, 50.0),
        "cold": _run(48.0, 84.0),
        "naive": _run(45.0, 88.0),  # a sample of 500 of 3,000 folders: x 6
    }

    assert bounds(large, 2) == [
        "What bounds the cold validate: it runs the tuned floor's builds (50.0 CPU s here) "
        "and, on the same cores, reads their output and runs the rules on it (84.0 CPU s in "
        "all). With every core busy its wall time is at least its CPU time over the cores, "
        "here 42.0 s against the floor's 30.0 s. The naive pipeline is 9.0x the floor, so "
        "being 20x faster than it would take a cold validate at 0.45x the floor. Where the "
        "time goes: `benchmarks/profiles/validate-cold-1000.txt` and `generate-1000.txt` "
        "(cProfile of gitopsgen's own process; Kustomize's processes show as the time spent "
        "waiting for them)."
    ]

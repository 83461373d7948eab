"""One command, measured as a process of its own: wall and CPU seconds, and peak memory.

The command runs under a small probe process that starts it, waits for it and reports the
rusage of its children: `ru_maxrss` of RUSAGE_CHILDREN is exact, and it is the peak RSS of
the largest single process of the command (the Python process, or one of the Kustomize
processes it starts), not of them together. So the parent also samples the RSS of the
probe's whole process tree every SAMPLE seconds from /proc, and keeps the largest sum seen:
what the command held at once (a sample can miss a short peak, never invent one).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE = 0.1  # seconds between samples of the process tree's RSS
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

# Run argv[1:], then print its wall and CPU seconds, exit code, output and ru_maxrss (KiB).
PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rc": done.returncode,
    "maxrss": usage.ru_maxrss, "stdout": done.stdout, "stderr": done.stderr[-4000:]}))
"""


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, interpreter start included
    cpu: float  # user + system seconds of the command and every process it waited for
    peak_mib: float  # the largest single process (exact)
    tree_mib: float  # the whole process tree at once (sampled)
    rc: int
    stdout: str
    stderr: str


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            found += [int(c) for c in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return found


def _rss(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """Bytes resident in the descendants of `pid` (not `pid` itself: the probe)."""
    total, todo = 0, _children(pid)
    while todo:
        child = todo.pop()
        total += _rss(child)
        todo += _children(child)
    return total


def measure(command: Sequence[str], cwd: Path, env: Mapping[str, str]) -> Run:
    with tempfile.TemporaryFile("w+") as out:  # a file, not a pipe: nothing waits on it
        probe = subprocess.Popen(
            [sys.executable, "-c", PROBE, *command], cwd=cwd, env=dict(env), stdout=out
        )
        peak = 0
        while probe.poll() is None:
            peak = max(peak, tree_rss(probe.pid))
            time.sleep(SAMPLE)
        if probe.returncode != 0:
            raise RuntimeError(f"the probe of {list(command)} failed")
        out.seek(0)
        report = json.loads(out.read())
    return Run(
        report["wall"],
        report["cpu"],
        report["maxrss"] / 1024,
        max(peak, report["maxrss"] * 1024) / 2**20,
        report["rc"],
        report["stdout"],
        report["stderr"],
    )

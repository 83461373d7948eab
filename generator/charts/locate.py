"""Where a chart (repository URL, name, version) comes from, in this order: the
repository's `charts/` (`<name>-<version>.tgz`, or an unpacked `<name>/` whose Chart.yaml
has that version), the user's Helm cache (Helm v4's content cache, and the repository
cache where Helm keeps `<name>-<version>.tgz`), then a pull through Helm when the network
is allowed, bounded by a timeout. A pulled archive is stored in Helm's content cache as
Helm stores it (`<sha256[:2]>/<sha256>.chart`), so the next run finds it offline.

A chart found nowhere is `Unavailable`, saying where it was looked for and why the pull
did not happen or failed.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator import helm
from generator.builds.cache import put_atomically
from generator.catalog.model import Chart
from generator.charts.archive import (
    ChartFiles,
    archive_identity,
    read_archive,
    read_folder,
)
from generator.constants import CHARTS_DIR
from generator.errors import UsageError

OFFLINE_ENV = "GITOPSGEN_OFFLINE"
TIMEOUT_ENV = "GITOPSGEN_PULL_TIMEOUT"
DEFAULT_TIMEOUT = 30.0
MAX_CACHED = 10_000  # archives of the content cache looked at, at most


@dataclass(frozen=True)
class Unavailable:
    chart: Chart
    version: str
    reasons: tuple[str, ...]  # where it was looked for, and why it was not pulled

    def __str__(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True)
class HelmDirs:
    repository_cache: Path  # HELM_REPOSITORY_CACHE
    content_cache: Path  # HELM_CONTENT_CACHE

    @classmethod
    def of(cls, environ: Mapping[str, str]) -> HelmDirs:
        """Helm's folders as Helm v4 finds them: its variables, else XDG_CACHE_HOME/helm,
        else the platform's cache folder."""
        home = environ.get("HELM_CACHE_HOME") or _xdg(environ)
        base = Path(home) if home else _platform_cache(environ) / "helm"
        return cls(
            Path(environ.get("HELM_REPOSITORY_CACHE") or base / "repository"),
            Path(environ.get("HELM_CONTENT_CACHE") or base / "content"),
        )


def _xdg(environ: Mapping[str, str]) -> str | None:
    xdg = environ.get("XDG_CACHE_HOME")
    return str(Path(xdg) / "helm") if xdg else None


def _platform_cache(environ: Mapping[str, str]) -> Path:
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    if sys.platform == "win32":
        return Path(environ.get("TEMP") or tempfile.gettempdir())
    return Path.home() / ".cache"


@dataclass(frozen=True)
class Network:
    """Whether a missing chart may be pulled, and how long one pull may take."""

    allowed: bool = True
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def of(cls, environ: Mapping[str, str], offline: bool = False) -> Network:
        """GITOPSGEN_OFFLINE (any value but empty, 0, false or no) forbids pulls;
        GITOPSGEN_PULL_TIMEOUT sets the seconds one pull may take (a UsageError if it is
        not a positive number)."""
        flag = environ.get(OFFLINE_ENV, "").strip().lower()
        text = environ.get(TIMEOUT_ENV)
        timeout = DEFAULT_TIMEOUT
        if text is not None:
            try:
                timeout = float(text)
            except ValueError:
                timeout = 0.0
            if not timeout > 0 or timeout == float("inf"):
                raise UsageError(
                    f"{TIMEOUT_ENV} must be a positive number of seconds, not {text!r}"
                )
        return cls(not offline and flag in ("", "0", "false", "no"), timeout)


@dataclass
class Charts:
    """The charts of one run, each looked for once."""

    root: Path  # the repository
    dirs: HelmDirs
    network: Network = field(default_factory=Network)
    _found: dict[tuple[str, str, str], ChartFiles | Unavailable] = field(default_factory=dict)
    _cached: dict[tuple[str, str], Path] | None = None

    def get(self, chart: Chart, version: str) -> ChartFiles | Unavailable:
        key = (chart.repo_url, chart.name, version)
        if key not in self._found:
            self._found[key] = self._locate(chart, version)
        return self._found[key]

    def _locate(self, chart: Chart, version: str) -> ChartFiles | Unavailable:
        found = self._in_repository(chart.name, version) or self._in_helm_cache(chart.name, version)
        if found is not None:
            return found
        where = (
            f"not in {CHARTS_DIR}/ ({chart.name}-{version}.tgz or {chart.name}/ with that "
            f"version) nor in the Helm cache ({self.dirs.content_cache})"
        )
        if not self.network.allowed:
            return Unavailable(chart, version, (where, f"not pulled: offline ({OFFLINE_ENV})"))
        try:
            data = helm.pull(chart.repo_url, chart.name, version, self.network.timeout)
        except helm.HelmError as exc:
            return Unavailable(chart, version, (where, f"pulling it failed: {exc.message}"))
        pulled = archive_identity(data)
        if pulled != (chart.name, version):
            got = f"{pulled[0]} {pulled[1]}" if pulled else "no chart"
            return Unavailable(chart, version, (where, f"the pull returned {got}"))
        digest = hashlib.sha256(data).hexdigest()
        self._store(digest, data)
        return ChartFiles(chart.name, version, digest, data=data)

    def _in_repository(self, name: str, version: str) -> ChartFiles | None:
        folder = self.root / CHARTS_DIR
        for found in (
            read_archive(folder / f"{name}-{version}.tgz"),
            read_folder(folder / name) if (folder / name).is_dir() else None,
        ):
            if found is not None and (found.name, found.version) == (name, version):
                return found
        return None

    def _in_helm_cache(self, name: str, version: str) -> ChartFiles | None:
        candidates = [self.dirs.repository_cache / f"{name}-{version}.tgz"]
        if self._cached is None:
            self._cached = _content_index(self.dirs.content_cache)
        if (name, version) in self._cached:
            candidates.append(self._cached[(name, version)])
        for path in candidates:
            found = read_archive(path)
            if found is not None and (found.name, found.version) == (name, version):
                return found
        return None

    def _store(self, digest: str, data: bytes) -> None:
        """Into Helm's content cache, atomically; a cache that cannot be written is skipped."""
        put_atomically(self.dirs.content_cache / digest[:2] / f"{digest}.chart", data)


def _content_index(folder: Path) -> dict[tuple[str, str], Path]:
    """(name, version) -> archive, of the charts in Helm's content cache (the newest file
    where several hold one version)."""
    found: list[tuple[float, str, Path]] = []
    with contextlib.suppress(OSError):
        for entry in sorted(folder.glob("*/*.chart"))[:MAX_CACHED]:
            with contextlib.suppress(OSError):
                found.append((entry.stat().st_mtime, entry.as_posix(), entry))
    index: dict[tuple[str, str], Path] = {}
    for _, _, path in sorted(found):
        identity = archive_identity(path)
        if identity is not None:
            index[identity] = path
    return index

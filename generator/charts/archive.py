"""A chart as bytes or a folder: which chart it is (its Chart.yaml's name and version) and
the digest its renders are cached under. Read without Helm, bounded: an archive is a
gzipped tar whose first folder holds Chart.yaml, a folder is walked for its files."""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from generator.errors import GitopsgenError
from generator.limits import MANIFESTS
from generator.manifest_yaml import load_documents
from generator.textfile import decode

CHART_FILE = "Chart.yaml"
# Helm's own limits (HELM_MAX_CHART_SIZE, HELM_MAX_FILE_SIZE): what Helm would not load
# is not read here either.
MAX_CHART_BYTES = 100 * 1024 * 1024
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_MEMBERS = 10_000  # tar members looked at for Chart.yaml before giving up


@dataclass(frozen=True)
class ChartFiles:
    """A chart to render: `data` (archive bytes) or `folder` (an unpacked chart)."""

    name: str
    version: str
    digest: str  # sha256 of the archive, or of the folder's files
    data: bytes | None = None
    folder: Path | None = None

    @property
    def source(self) -> bytes | Path:
        if self.data is not None:
            return self.data
        assert self.folder is not None
        return self.folder


def _identity(text: str, shown: str) -> tuple[str, str] | None:
    try:
        documents = load_documents(text, shown, MANIFESTS)
    except GitopsgenError:
        return None
    data = documents[0].data if documents else None
    if not isinstance(data, dict):
        return None
    name, version = data.get("name"), data.get("version")
    if not isinstance(name, str) or not isinstance(version, str | int | float):
        return None
    return name, str(version)


def archive_identity(data: bytes | Path) -> tuple[str, str] | None:
    """(name, version) of a chart archive (its bytes, or its file, read only up to its
    Chart.yaml); None when it is not one."""
    try:
        if isinstance(data, Path):
            with tarfile.open(data, mode="r:gz") as tar:
                return _chart_yaml(tar)
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            return _chart_yaml(tar)
    except (tarfile.TarError, OSError, EOFError, GitopsgenError):
        return None


def _chart_yaml(tar: tarfile.TarFile) -> tuple[str, str] | None:
    for count, member in enumerate(tar):
        if count >= MAX_MEMBERS:
            return None
        parts = member.name.split("/")
        if len(parts) == 2 and parts[1] == CHART_FILE and member.isfile():
            handle = tar.extractfile(member) if member.size <= MAX_FILE_BYTES else None
            if handle is None:
                return None
            return _identity(decode(handle.read(), member.name), member.name)
    return None


def read_archive(path: Path) -> ChartFiles | None:
    """The chart archive at `path`; None when it is not a readable chart within the limits."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_CHART_BYTES:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    found = archive_identity(data)
    if found is None:
        return None
    return ChartFiles(found[0], found[1], hashlib.sha256(data).hexdigest(), data=data)


def folder_identity(folder: Path) -> tuple[str, str] | None:
    try:
        path = folder / CHART_FILE
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        return _identity(decode(path.read_bytes(), CHART_FILE), CHART_FILE)
    except (OSError, GitopsgenError):
        return None


def read_folder(folder: Path) -> ChartFiles | None:
    """The unpacked chart in `folder`, its digest over every file (sorted relative path and
    bytes); None when it is not a chart or is over Helm's size limit."""
    found = folder_identity(folder)
    if found is None:
        return None
    digest = hashlib.sha256(b"folder")
    total = 0
    try:
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = Path(top, name)
                data = path.read_bytes() if path.is_file() else b""
                total += len(data)
                if total > MAX_CHART_BYTES:
                    return None
                relative = path.relative_to(folder).as_posix().encode()
                digest.update(len(relative).to_bytes(8, "big") + relative)
                digest.update(len(data).to_bytes(8, "big") + data)
    except OSError:
        return None
    return ChartFiles(found[0], found[1], digest.hexdigest(), folder=folder)

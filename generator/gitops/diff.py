"""`diff`: what a change does to the rendered manifests, offline, from git alone.

The affected overlay folders are built with the real Kustomize on both sides (batched, see
generator.builds.batch): the working side in place, the base side from the base revision's
blobs written to a temporary folder (removed afterwards, also on error). Reading blobs
changes nothing in the repository: no checkout, index, branch or worktree entry is touched.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.builds.batch import Builder
from generator.catalog.load import catalog_from_text
from generator.catalog.model import Catalog
from generator.constants import OVERLAYS_DIR
from generator.errors import GitopsgenError
from generator.gitops import git
from generator.gitops.diff_objects import ObjectChange, ObjectKey, compare, split
from generator.gitops.diff_scope import (
    Folder,
    changed_files,
    folder_path,
    folders_in,
    folders_on_disk,
    report_order,
    touched,
)
from generator.kustomize import Build
from generator.limits import CATALOG, Limits
from generator.render import render

WORKING = "working tree"


@dataclass(frozen=True)
class BuildFailure:
    side: str  # "at <base>" or "in the working tree"
    message: str  # Kustomize's message

    def __str__(self) -> str:
        return f"the build {self.side} failed: {self.message}"


@dataclass(frozen=True)
class FolderDiff:
    environment: str
    name: str  # the app, or _namespace
    changes: tuple[ObjectChange, ...]
    failures: tuple[BuildFailure, ...]  # builds that failed: their objects are not compared


@dataclass(frozen=True)
class RenderedDiff:
    base: str  # the revision as the user named it
    compared: tuple[str, ...]  # every affected folder, in report order
    folders: tuple[FolderDiff, ...]  # those with a change or a failed build

    @property
    def changed(self) -> bool:
        return bool(self.folders)


def _catalog_folders(
    root: Path,
    commit: str,
    catalog: Catalog,
    catalog_at: str | None,
    existing: set[Folder],
    working: set[Folder],
    limits: Limits,
) -> set[Folder]:
    """Folders whose generated files differ between the catalog at `commit` and now; a
    catalog missing or invalid at `commit` affects every folder of the working side."""
    text = git.show(root, commit, catalog_at) if catalog_at else None
    try:
        old = catalog_from_text(text.decode("utf-8"), catalog.path, limits=limits) if text else None
    except (GitopsgenError, UnicodeDecodeError):
        old = None
    if old is None:
        return working
    return touched(changed_files(render(old), render(catalog)), existing)


def _relative_to(path: str, prefix: str) -> str | None:
    if not prefix:
        return path
    return path[len(prefix) + 1 :] if path.startswith(prefix + "/") else None


def rendered_diff(
    root: Path, catalog: Catalog, catalog_file: Path, base: str, limits: Limits = CATALOG
) -> RenderedDiff:
    """Build every overlay folder the change from `base` to the working tree affects, on
    both sides, and compare the objects; `catalog` is the working catalog (its promotion
    order orders the report). Raises UsageError for a bad revision or outside git."""
    commit = git.resolve_commit(root, base)
    top = git.top(root)
    relative = root.resolve().relative_to(top).as_posix()
    prefix = "" if relative == "." else relative
    changed_at_top = git.changed_paths(root, commit)
    changed = [p for p in (_relative_to(c, prefix) for c in changed_at_top) if p is not None]
    try:
        catalog_at: str | None = catalog_file.resolve().relative_to(top).as_posix()
    except ValueError:  # a catalog outside the repository has no history
        catalog_at = None
    old_files = git.files_at(root, commit, f"{prefix}/{OVERLAYS_DIR}".lstrip("/"))
    old_folders = folders_in(p for p in (_relative_to(f, prefix) for f in old_files) if p)
    new_folders = folders_on_disk(root)
    existing = old_folders | new_folders
    affected = touched(changed, existing)
    if catalog_at in changed_at_top:
        affected |= _catalog_folders(
            root, commit, catalog, catalog_at, existing, new_folders, limits
        )
    ordered = report_order(affected, [env.name for env in catalog.environments])
    olds = [f for f in ordered if f in old_folders]
    news = [f for f in ordered if f in new_folders]
    with tempfile.TemporaryDirectory(prefix="gitopsgen-diff-") as tmp:
        old_top = Path(tmp).resolve()  # resolved: Kustomize's messages name resolved paths
        old_root = old_top / prefix
        if olds:
            git.export(root, commit, prefix, old_top)
        paths = [old_root / folder_path(f) for f in olds] + [root / folder_path(f) for f in news]
        builds = list(Builder().build(root, paths).builds)
        old_builds = dict(zip(olds, _shown(builds[: len(olds)], old_root, f"{base}:"), strict=True))
        new_builds = dict(zip(news, builds[len(olds) :], strict=True))
    folders = [_folder_diff(f, old_builds.get(f), new_builds.get(f), base) for f in ordered]
    return RenderedDiff(
        base,
        tuple(folder_path(f) for f in ordered),
        tuple(f for f in folders if f.changes or f.failures),
    )


def _shown(builds: list[Build], tmp_root: Path, label: str) -> list[Build]:
    """Builds of the temporary folder, with its path in messages replaced by `label`."""
    prefix = str(tmp_root) + "/"
    return [Build(b.folder, b.output, b.error.replace(prefix, label)) for b in builds]


def _objects(build: Build | None, side: str) -> dict[ObjectKey, str] | BuildFailure:
    """The objects of one side's build (none where the folder does not exist there), or
    why there are none."""
    if build is None:
        return {}
    if not build.ok:
        return BuildFailure(side, build.error)
    try:
        return split(build.output)
    except yaml.YAMLError as exc:
        return BuildFailure(side, f"its output is not YAML: {exc}")


def _folder_diff(folder: Folder, old: Build | None, new: Build | None, base: str) -> FolderDiff:
    before, after = _objects(old, f"at {base}"), _objects(new, f"in the {WORKING}")
    failures = tuple(side for side in (before, after) if isinstance(side, BuildFailure))
    if isinstance(before, BuildFailure) or isinstance(after, BuildFailure):
        return FolderDiff(folder[0], folder[1], (), failures)
    return FolderDiff(folder[0], folder[1], compare(before, after, base, WORKING), ())

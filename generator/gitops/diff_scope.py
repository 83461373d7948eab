"""Which overlay folders a change affects: pure functions over paths relative to the root.

A folder is `(environment, name)`: `overlays/<environment>/<name>`, where the name is an
app or `_namespace`. Only folders that hold a kustomization on at least one side count.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from generator.constants import APPS_DIR, BASE_DIR, NAMESPACE_DIR, OVERLAYS_DIR

Folder = tuple[str, str]

# The file names Kustomize accepts for a kustomization, in its own order of preference.
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")


def folder_path(folder: Folder) -> str:
    return f"{OVERLAYS_DIR}/{folder[0]}/{folder[1]}"


def folders_in(paths: Iterable[str]) -> set[Folder]:
    """The overlay folders that Kustomize can build, among files named by `paths`."""
    found: set[Folder] = set()
    for path in paths:
        parts = path.split("/")
        if len(parts) == 4 and parts[0] == OVERLAYS_DIR and parts[3] in KUSTOMIZATION_FILES:
            found.add((parts[1], parts[2]))
    return found


def folders_on_disk(root: Path) -> set[Folder]:
    """The overlay folders under `root` that Kustomize can build."""
    return folders_in(
        p.relative_to(root).as_posix() for p in root.glob(f"{OVERLAYS_DIR}/*/*/*") if p.is_file()
    )


def touched(paths: Iterable[str], existing: set[Folder]) -> set[Folder]:
    """The folders among `existing` whose build a change of `paths` can alter: an overlay
    file, a base of the app (every environment's overlay of it), or its Application."""
    found: set[Folder] = set()
    apps_dir = APPS_DIR.split("/")
    for path in paths:
        parts = path.split("/")
        if len(parts) >= 4 and parts[0] == OVERLAYS_DIR:
            found.add((parts[1], parts[2]))
        elif len(parts) >= 3 and parts[0] == BASE_DIR:
            found.update(f for f in existing if f[1] == parts[1])
        elif len(parts) == len(apps_dir) + 2 and parts[: len(apps_dir)] == apps_dir:
            found.add((parts[-2], parts[-1].removesuffix(".yaml")))
    return found & existing


def changed_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> set[str]:
    """The paths whose bytes differ between two trees, or that only one of them has."""
    return {path for path in old.keys() | new.keys() if old.get(path) != new.get(path)}


def report_order(folders: Iterable[Folder], environments: Sequence[str]) -> list[Folder]:
    """Environments in promotion order (unknown ones after, by name); in each, the apps by
    name, then `_namespace`."""
    rank = {env: i for i, env in enumerate(environments)}

    def key(folder: Folder) -> tuple[int, str, bool, str]:
        env, name = folder
        return (rank.get(env, len(rank)), env, name == NAMESPACE_DIR, name)

    return sorted(folders, key=key)

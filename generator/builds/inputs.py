"""What building one folder with Kustomize reads, and which objects it may produce.

One walk of the folder's kustomization and of every folder it lists gives both. Kustomize
loads listed folders (bases, components) from anywhere but every other file only from in or
below its kustomization's folder (the load restrictor, as Argo CD builds), so the walk is
conservative: every file under each folder it enters counts as read (the cache key changes
when any of them does), not only those the kustomization names. A kustomization with a field
whose effect can reach beyond its own objects (a name prefix, vars, transformer
configurations, sort options, plugins ...) makes the folder one to build alone, never inside
an aggregate, and so does a folder whose kustomization gitopsgen did not write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.constants import HEADER_MARK, KUSTOMIZATION
from generator.yamlevents import SAFE_LOADER

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")

# Fields whose effect stays within the objects of the kustomization that has them, so the
# folder builds the same inside an aggregate as alone (Kustomize's `sortOptions`, `vars`,
# `configurations`, `crds`, name prefixes and the like act at the top of a build or on
# every object of it).
LOCAL_FIELDS = frozenset(
    {
        "apiVersion",
        "kind",
        "metadata",
        "namespace",
        "resources",
        "components",
        "labels",
        "commonLabels",
        "commonAnnotations",
        "images",
        "replicas",
        "patches",
        "patchesStrategicMerge",
        "patchesJson6902",
        "configMapGenerator",
        "secretGenerator",
        "generatorOptions",
    }
)
GENERATORS = {"configMapGenerator": "ConfigMap", "secretGenerator": "Secret"}
# Fields that list other kustomizations (folders, loaded from anywhere) or resource files.
LISTED = ("resources", "bases", "components", "generators", "transformers", "validators")
_REMOTE = ("://", "git@", "github.com/", "gitlab.com/", "bitbucket.org/")

Id = tuple[str, str]  # (kind, name) as the sources write them


@dataclass(frozen=True)
class Inputs:
    files: tuple[Path, ...]  # every file the build may read, sorted
    resources: tuple[Path, ...]  # the resource files listed, whose objects the folder builds
    generated: frozenset[Id]  # ConfigMaps and Secrets of generators (Kustomize hashes the name)
    local: bool  # gitopsgen wrote it and it uses fields of local effect only
    remote: bool  # it lists a remote resource, whose bytes are not on disk
    # The folders whose entries the walk listed and every path a kustomization lists, as
    # written (a link followed, or a path missing): with `files`, what the walk's result
    # depends on (generator.builds.settled keeps the key under their stats).
    watched: tuple[Path, ...] = ()

    @property
    def batchable(self) -> bool:
        return self.local and not self.remote


@dataclass(frozen=True)
class Claims:
    """The objects a folder may build: by (kind, name), and generated ones by their name
    before Kustomize adds the hash suffix."""

    names: frozenset[Id]
    generated: frozenset[Id]


class Reader:
    """What one run has read of the folders: each folder's files and kustomization, and the
    objects each resource file names, once, however many folders list it (a base, for each
    environment's overlay)."""

    def __init__(self) -> None:
        self._trees: dict[Path, tuple[tuple[Path, ...], tuple[Path, ...]]] = {}
        self._kustomizations: dict[Path, dict[str, Any] | None] = {}
        self._names: dict[Path, frozenset[Id] | None] = {}

    def names(self, path: Path) -> frozenset[Id] | None:
        """The (kind, name) of each object of the resource file `path` (see _names)."""
        if path not in self._names:
            self._names[path] = _names(path)
        return self._names[path]

    def tree(self, folder: Path) -> tuple[tuple[Path, ...], tuple[Path, ...]]:
        """The files under `folder`, and the folders (itself and those below)."""
        if folder not in self._trees:
            files: list[Path] = []
            folders: list[Path] = []
            for top, names in _tree(folder):
                folders.append(top)
                files += (top / n for n in names)
            self._trees[folder] = (tuple(files), tuple(folders))
        return self._trees[folder]

    def kustomization(self, folder: Path) -> dict[str, Any] | None:
        """The folder's kustomization: None when there is none, several, or not a mapping."""
        if folder not in self._kustomizations:
            found = [folder / n for n in KUSTOMIZATION_FILES if (folder / n).is_file()]
            self._kustomizations[folder] = _one_mapping(found[0]) if len(found) == 1 else None
        return self._kustomizations[folder]


@dataclass
class _Walk:
    reader: Reader
    files: set[Path] = field(default_factory=set)
    watched: set[Path] = field(default_factory=set)
    seen: set[Path] = field(default_factory=set)
    resources: set[Path] = field(default_factory=set)
    generated: set[Id] = field(default_factory=set)
    local: bool = True
    remote: bool = False


def inputs(folder: Path, reader: Reader | None = None) -> Inputs:
    walk = _Walk(reader or Reader())
    walk.watched.add(folder)
    _enter(walk, folder.resolve())
    return Inputs(
        tuple(sorted(walk.files)),
        tuple(sorted(walk.resources)),
        frozenset(walk.generated),
        walk.local and _generated(folder),
        walk.remote,
        tuple(sorted(walk.watched - walk.files)),
    )


def claims(found: Inputs, reader: Reader | None = None) -> Claims | None:
    """What a batchable folder may build, from its resource files; None when a file does not
    read or an object has no plain kind and name (the folder is then built alone)."""
    if not found.batchable:
        return None
    reader = reader or Reader()
    names: set[Id] = set()
    for path in found.resources:
        named = reader.names(path)
        if named is None:
            return None
        names |= named
    return Claims(frozenset(names), found.generated)


def _names(path: Path) -> frozenset[Id] | None:
    """The (kind, name) of each object of a resource file; None when it does not read or an
    object has no plain kind and name."""
    try:
        documents = list(yaml.load_all(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    names: set[Id] = set()
    for doc in documents:
        items = doc.get("items") if isinstance(doc, dict) and _is_list(doc) else [doc]
        for obj in _list(items) if doc is not None else []:
            meta = obj.get("metadata") if isinstance(obj, dict) else None
            kind = obj.get("kind") if isinstance(obj, dict) else None
            name = meta.get("name") if isinstance(meta, dict) else None
            if not (isinstance(kind, str) and isinstance(name, str)):
                return None
            names.add((kind, name))
    return frozenset(names)


def _generated(folder: Path) -> bool:
    """Whether gitopsgen wrote the folder's kustomization: a hand-written folder is built alone."""
    try:
        with (folder / KUSTOMIZATION).open("rb") as handle:
            return handle.read(len(HEADER_MARK)) == HEADER_MARK.encode()
    except OSError:
        return False


def _tree(folder: Path) -> Iterator[tuple[Path, list[str]]]:
    """Each folder under `folder` (itself first) and its file names, hidden folders (.git)
    aside."""
    for top, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield Path(top), names


def _enter(walk: _Walk, folder: Path) -> None:
    if folder in walk.seen:
        return
    walk.seen.add(folder)
    files, folders = walk.reader.tree(folder)
    walk.files.update(files)
    walk.watched.update(folders)
    kustomization = walk.reader.kustomization(folder)
    if kustomization is None:  # Kustomize says what is wrong
        walk.local = False
        return
    if not set(kustomization) <= LOCAL_FIELDS:
        walk.local = False
    for entry in (e for key in LISTED for e in _list(kustomization.get(key))):
        target = _path(walk, folder, entry)
        if target is not None and target.is_dir():
            _enter(walk, target)
        elif target is not None and target.is_file():
            walk.files.add(target)
            walk.resources.add(target)
    for key, kind in GENERATORS.items():
        for entry in _list(kustomization.get(key)):
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str):
                walk.generated.add((kind, name))
            else:
                walk.local = False


def _path(walk: _Walk, folder: Path, value: Any) -> Path | None:
    """A listed path, relative to the kustomization; a remote one is marked, and is None."""
    if not isinstance(value, str) or not value or "\n" in value or "\0" in value:
        return None
    if any(mark in value for mark in _REMOTE):
        walk.remote = True
        return None
    walk.watched.add(folder / value)
    try:
        return (folder / value).resolve()
    except (OSError, ValueError):
        return None


def _is_list(doc: dict[str, Any]) -> bool:
    kind = doc.get("kind")
    return isinstance(kind, str) and kind.endswith("List") and "items" in doc


def _one_mapping(path: Path) -> dict[str, Any] | None:
    try:
        documents = [d for d in yaml.load_all(path.read_text("utf-8"), Loader=SAFE_LOADER) if d]
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if len(documents) != 1 or not isinstance(documents[0], dict):
        return None
    return documents[0]


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

"""Map a node of a Kustomize-built object back to the file on disk that wrote it.

Kustomize output has no positions in the repository, yet a finding must be clickable in
the files a reviewer sees. For one built folder this reads its kustomization, the files
it lists (resources and patches, following folders such as ../../../base/<app>), and
answers: which file, line and column set this node? Images, replicas, the namespace and
generated ConfigMaps come from kustomization fields; everything else from the resource
or patch that holds the deepest part of the node's path (patches win ties: they are
applied last).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.constants import KUSTOMIZATION
from generator.errors import GitopsgenError
from generator.finding import Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, NodePath, get
from generator.manifest_yaml import load_manifests
from generator.textfile import read_text

_CONTAINER_LISTS = ("containers", "initContainers", "ephemeralContainers")


@dataclass(frozen=True)
class Source:
    manifest: Manifest
    patch: bool


@dataclass(frozen=True)
class Folder:
    kustomization: Manifest
    sources: tuple[Source, ...]


Files = dict[str, list[Manifest]]  # files already read in this run: shown path -> documents


def _load(path: Path, shown: str, files: Files, limits: Limits) -> list[Manifest]:
    if shown not in files:
        files[shown] = _read(path, shown, limits)
    return files[shown]


def _read(path: Path, shown: str, limits: Limits) -> list[Manifest]:
    try:
        return load_manifests(read_text(path, shown, "", limits), shown, limits)
    except GitopsgenError:
        return []  # an unreadable file fails the build, which is reported on its own


def _folder(root: Path, folder: str, seen: set[str], files: Files, limits: Limits) -> list[Folder]:
    if folder in seen:
        return []
    seen.add(folder)
    documents = _load(root / folder / KUSTOMIZATION, f"{folder}/{KUSTOMIZATION}", files, limits)
    if not documents:
        return []
    kustomization = documents[0]
    result: list[Folder] = []
    sources: list[Source] = []
    resources: Any = kustomization.obj.get("resources", [])
    for entry in resources if isinstance(resources, list) else []:
        target = (Path(folder) / str(entry)).as_posix()
        normalized = Path(*_normalize(target.split("/"))).as_posix()
        if (root / normalized).is_dir():
            result += _folder(root, normalized, seen, files, limits)
        else:
            sources += [
                Source(m, False) for m in _load(root / normalized, normalized, files, limits)
            ]
    patches: Any = kustomization.obj.get("patches", [])
    for entry in patches if isinstance(patches, list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("path"), str):
            shown = Path(*_normalize(f"{folder}/{entry['path']}".split("/"))).as_posix()
            sources += [Source(m, True) for m in _load(root / shown, shown, files, limits)]
    return [Folder(kustomization, tuple(sources)), *result]


def _normalize(parts: list[str]) -> list[str]:
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        elif part not in ("", "."):
            out.append(part)
    return out


def _depth(manifest: Manifest, node: NodePath) -> int:
    for end in range(len(node), -1, -1):
        if tuple(node[:end]) in manifest.positions:
            return end
    return -1


class SourceMap:
    """Where the nodes of the objects built from one folder come from (nearest folder first)."""

    def __init__(
        self, root: Path, folder: str, files: Files | None = None, limits: Limits = MANIFESTS
    ) -> None:
        """`files` is shared by the maps of one run, so a base read for one environment's
        overlay is not read again for the next."""
        self.folders = _folder(root, folder, set(), {} if files is None else files, limits)
        self.fallback = Position(f"{folder}/{KUSTOMIZATION}")

    def _from_kustomization(self, built: Manifest, node: NodePath) -> Position | None:
        for folder in self.folders:
            k = folder.kustomization
            if node == ("metadata", "namespace") and "namespace" in k.obj:
                return k.position("namespace")
            if node[:1] == ("spec",) and node[1:2] == ("replicas",):
                found = self._entry(k, "replicas", "name", built.name, "count")
                if found:
                    return found
            image = self._image_of(built, node)
            if image is not None:
                found = self._image_entry(k, image)
                if found:
                    return found
            if built.kind == "ConfigMap":
                for i, gen in enumerate(_list(k.obj.get("configMapGenerator"))):
                    if isinstance(gen, dict) and built.name.startswith(f"{gen.get('name')}-"):
                        return k.position("configMapGenerator", i)
        return None

    @staticmethod
    def _entry(k: Manifest, field: str, key: str, value: str, inner: str) -> Position | None:
        for i, entry in enumerate(_list(k.obj.get(field))):
            if isinstance(entry, dict) and entry.get(key) == value:
                return k.position(field, i, inner)
        return None

    @staticmethod
    def _image_of(built: Manifest, node: NodePath) -> str | None:
        for i, part in enumerate(node):
            if part in _CONTAINER_LISTS and len(node) > i + 2 and node[i + 2] == "image":
                image = get(built.obj, *node[: i + 3])
                return image if isinstance(image, str) else None
        return None

    @staticmethod
    def _image_entry(k: Manifest, image: str) -> Position | None:
        for i, entry in enumerate(_list(k.obj.get("images"))):
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and (
                image == name or image.startswith((f"{name}:", f"{name}@"))
            ):
                inner = "digest" if "digest" in entry and "newTag" not in entry else "newTag"
                return k.position("images", i, inner if inner in entry else "name")
        return None

    def locate(self, built: Manifest, node: NodePath) -> Position:
        found = self._from_kustomization(built, node)
        if found:
            return found
        best: tuple[int, int, Manifest] | None = None
        for folder in self.folders:
            for source in folder.sources:
                m = source.manifest
                if m.kind != built.kind or m.name != built.name:
                    continue
                score = (_depth(m, node), 1 if source.patch else 0)
                if best is None or score > best[:2]:
                    best = (*score, m)
        if best is not None:
            return best[2].position(*node)
        return self.fallback


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []

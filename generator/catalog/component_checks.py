"""`components`: hand-owned Kustomize Component folders, inside the repository and outside the
generated folders. `check_components` judges the paths as written; `component_findings` also
reads the repository (the loader calls it when it knows the repository root)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.errors import InputError
from generator.finding import Finding
from generator.manifest import NodePath
from generator.manifest_yaml import load_manifests
from generator.textfile import read_text
from generator.yamlio import Located

COMPONENT_KIND = "Component"


def _places(doc: Located) -> Iterator[tuple[NodePath, str]]:
    """Every written component path, with its node."""
    bases: list[NodePath] = [("defaults",)]
    for app, spec in _section(doc, "apps").items():
        bases.append(("apps", app))
        bases += [("apps", app, "environments", env) for env in spec["environments"]]
    for base in bases:
        value: Any = doc.data
        for key in base:
            value = value.get(key) if isinstance(value, dict) else None
        listed = value.get("components") if isinstance(value, dict) else None
        for index, path in enumerate(listed or []):
            yield (*base, "components", index), str(path)


def path_problem(path: str) -> str | None:
    pure = PurePosixPath(path)
    if "\\" in path:
        return f"component '{path}': use '/' as the separator"
    if pure.is_absolute():
        return f"component '{path}' must be a path relative to the repository root"
    if ".." in pure.parts:
        return f"component '{path}' has a '..'; name the folder inside the repository directly"
    if pure.parts and pure.parts[0] in c.GENERATED_DIRS:
        return (
            f"component '{path}' is inside the generated folder {pure.parts[0]}/, which "
            "generate rewrites; keep components in a folder of your own, e.g. components/"
        )
    return None


def check_components(doc: Located) -> Iterator[Finding]:
    for at, path in _places(doc):
        problem = path_problem(path)
        if problem:
            yield rules.COMPONENT.finding(problem, doc.position(at))


def folder_problem(root: Path, path: str) -> str | None:
    folder = root / path
    kustomization = folder / c.KUSTOMIZATION
    if not folder.resolve().is_relative_to(root.resolve()):
        return (
            f"component '{path}' leads outside the repository (a symbolic link); name a "
            "folder inside it"
        )
    if not folder.is_dir():
        return f"component '{path}' does not exist; create the folder with a {c.KUSTOMIZATION}"
    if not kustomization.is_file():
        return f"component '{path}' has no {c.KUSTOMIZATION}; add one with kind: Component"
    try:
        shown = f"{path}/{c.KUSTOMIZATION}"
        documents = load_manifests(read_text(kustomization, shown), shown)
        kind = documents[0].kind if documents else None
    except InputError:
        kind = None
    if kind != COMPONENT_KIND:
        return (
            f"component '{path}': {path}/{c.KUSTOMIZATION} is not a Kustomize Component; set "
            "apiVersion: kustomize.config.k8s.io/v1alpha1 and kind: Component"
        )
    return None


def component_findings(doc: Located, root: Path) -> list[Finding]:
    found = []
    for at, path in _places(doc):
        if path_problem(path) is None and (problem := folder_problem(root, path)):
            found.append(rules.COMPONENT.finding(problem, doc.position(at)))
    return found

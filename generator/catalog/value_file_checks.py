"""`valueFiles`: hand-owned Helm value files of this repository, outside the generated
folders. `check_value_files` judges the paths as written; `value_file_findings` also reads
the repository (the loader calls it when it knows the repository root)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import shown
from generator.finding import Finding
from generator.manifest import NodePath
from generator.yamlio import Located

GLOB = frozenset("*?[]{}")


def _places(doc: Located) -> Iterator[tuple[NodePath, str]]:
    """Every written value file path, with its node."""
    bases: list[NodePath] = []
    for app, spec in _section(doc, "apps").items():
        bases.append(("apps", app))
        bases += [("apps", app, "environments", env) for env in spec.get("environments") or {}]
    for cluster, spec in _section(doc, "clusters").items():
        bases += [("clusters", cluster, "addons", addon) for addon in spec.get("addons") or {}]
    for base in bases:
        value: Any = doc.data
        for key in base:
            value = value.get(key) if isinstance(value, dict) else None
        listed = value.get("valueFiles") if isinstance(value, dict) else None
        for index, path in enumerate(listed or []):
            yield (*base, "valueFiles", index), str(path)


def path_problem(path: str) -> str | None:
    pure = PurePosixPath(path)
    name = shown(path)
    if "\\" in path:
        return f"value file {name}: use '/' as the separator"
    if any(ch in GLOB for ch in path) or any(ch.isspace() for ch in path):
        return f"value file {name} holds a glob character or whitespace; name one file"
    if pure.is_absolute():
        return f"value file {name} must be a path relative to the repository root"
    if ".." in pure.parts:
        return f"value file {name} has a '..'; name the file inside the repository directly"
    if pure.parts and pure.parts[0] in c.GENERATED_DIRS:
        return (
            f"value file {name} is inside the generated folder {pure.parts[0]}/, which generate "
            "rewrites; keep value files in a folder of your own, e.g. apps/<app>/"
        )
    return None


def check_value_files(doc: Located) -> Iterator[Finding]:
    for at, path in _places(doc):
        problem = path_problem(path)
        if problem:
            yield rules.VALUE_FILE.finding(problem, doc.position(at))


def file_problem(root: Path, path: str) -> str | None:
    file = root / path
    name = shown(path)
    if not file.resolve().is_relative_to(root.resolve()):
        return (
            f"value file {name} leads outside the repository (a symbolic link); name a file "
            "inside it"
        )
    if file.is_dir():
        return f"value file {name} is a folder; name a YAML file of Helm values"
    if not file.is_file():
        return (
            f"value file {name} does not exist; create it (a YAML file of Helm values) or fix "
            "the path"
        )
    return None


def value_file_findings(doc: Located, root: Path) -> list[Finding]:
    found = []
    for at, path in _places(doc):
        if path_problem(path) is None and (problem := file_problem(root, path)):
            found.append(rules.VALUE_FILE.finding(problem, doc.position(at)))
    return found

"""Where kubernetes-validate keeps its schemas, and which bundled version serves a request.

Only the data files of the `kubernetes_validate` package are read: its `validate()`
reloads every schema per call and prints or exits instead of raising.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from importlib.util import find_spec
from pathlib import Path

from generator.errors import InputError

_BUNDLED_DIR = re.compile(r"^v(\d+)\.(\d+)\.0-local$")
_REQUESTED = re.compile(r"^v?(\d+)\.(\d+)(?:\.\d+)?$")
# What may go into a file name: Kubernetes kinds are CamelCase, apiVersions group/version.
_KIND = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")
_API_VERSION = re.compile(r"^(?:[a-z0-9]([a-z0-9.-]*[a-z0-9])?/)?v[0-9]+[a-z0-9]*$")

Minor = tuple[int, int]


@cache
def bundle_root() -> Traversable:
    """The schemas' folder, found without importing the package (its import loads
    jsonschema and more: a tenth of a second that a run whose objects pass their kept
    pre-checks does not need)."""
    spec = find_spec("kubernetes_validate")
    locations = None if spec is None else spec.submodule_search_locations
    if locations:
        return Path(next(iter(locations))) / "kubernetes-json-schema"
    return files("kubernetes_validate") / "kubernetes-json-schema"


@cache
def bundled_minors() -> tuple[Minor, ...]:
    """(major, minor) of every Kubernetes version kubernetes-validate ships, oldest first."""
    found = []
    for entry in bundle_root().iterdir():
        match = _BUNDLED_DIR.match(entry.name)
        if match:
            found.append((int(match.group(1)), int(match.group(2))))
    return tuple(sorted(found))


def format_minor(minor: Minor) -> str:
    return f"{minor[0]}.{minor[1]}"


def pick_minor(requested: str) -> Minor:
    """The newest bundled version not newer than `requested` ("1.31", "v1.31", "1.31.2").

    Raises InputError, naming the supported range, for anything outside it.
    """
    minors = bundled_minors()
    supported = f"supported: {format_minor(minors[0])} to {format_minor(minors[-1])}"
    match = _REQUESTED.match(requested.strip())
    if not match:
        raise InputError(f"Kubernetes version {requested!r} is not MAJOR.MINOR; {supported}")
    wanted = (int(match.group(1)), int(match.group(2)))
    candidates = [m for m in minors if m <= wanted]
    if wanted > minors[-1] or not candidates:
        raise InputError(f"Kubernetes version {requested!r} is not supported; {supported}")
    return candidates[-1]


def version_dir(minor: Minor, strict: bool) -> Traversable:
    return bundle_root() / f"v{format_minor(minor)}.0-local{'-strict' if strict else ''}"


def schema_file_name(api_version: str, kind: str) -> str | None:
    """kubernetes-validate's file name for a kind: `<kind>-<group without domain>-<version>.json`
    (`rbac.authorization.k8s.io/v1` -> `rbac-v1`, `v1` -> `v1`); None for names that cannot
    be Kubernetes kinds or apiVersions (never build a path from them)."""
    if not _KIND.match(kind) or not _API_VERSION.match(api_version):
        return None
    group, _, version = api_version.rpartition("/")
    short_group = group.split(".", 1)[0]
    return f"{kind.lower()}-{short_group + '-' if group else ''}{version}.json"

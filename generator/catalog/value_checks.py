"""Checks of what an app hands its containers: writable mounts and config values."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import shown
from generator.catalog.values import running, where
from generator.finding import Finding, Position
from generator.manifest import NodePath
from generator.yamlio import Located

# A system folder itself is never writable; inside these, nothing is.
SYSTEM_FOLDERS = (
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var",
)
KERNEL_FOLDERS = ("/proc", "/sys", "/dev")
PROGRAM_FOLDERS = (
    "/bin",
    "/boot",
    "/lib",
    "/lib32",
    "/lib64",
    "/libx32",
    "/sbin",
    "/usr/bin",
    "/usr/lib",
    "/usr/lib32",
    "/usr/lib64",
    "/usr/libexec",
    "/usr/local/bin",
    "/usr/local/lib",
    "/usr/local/sbin",
    "/usr/sbin",
)
ALLOWED_INSIDE = ("/dev/shm",)  # shared memory: a memory-backed emptyDir is how pods get it
WRITABLE_KINDS = ("size", "storageClass", "accessModes", "emptyDir")
CONTAINER_LISTS = ("sidecars", "initContainers")
# Plain scalars a YAML 1.1 reader takes for booleans (YAML 1.2, the catalog's, reads strings).
YAML11_BOOLS = frozenset(
    v for word in ("yes", "no", "on", "off", "y", "n") for v in (word, word.title(), word.upper())
)


def _within(path: str, folders: tuple[str, ...], what: str = "") -> str | None:
    """'WHAT F' or 'inside WHAT F' for the folder F of `folders` that is or holds `path`."""
    for folder in folders:
        if path == folder or path.startswith(folder + "/"):
            named = f"{what} {folder}".strip()
            return named if path == folder else f"inside {named}"
    return None


def system_path_problem(path: str) -> str | None:
    """Why a writable mount at `path` would open what the read-only root protects, or None."""
    normal = "/" + posixpath.normpath("/" + path).lstrip("/")
    if normal == "/":
        return "is the root folder, all of what the read-only root filesystem protects"
    if normal in SYSTEM_FOLDERS:
        return f"is the system folder {normal}, which the read-only root filesystem protects"
    if _within(normal, ALLOWED_INSIDE):
        return None
    kernel = _within(normal, KERNEL_FOLDERS)
    if kernel:
        return f"is {kernel}, where the kernel shows the container its devices and state"
    programs = _within(normal, PROGRAM_FOLDERS, "the program folder")
    if programs:
        return f"is {programs}, where the container's programs and libraries live"
    return None


def _mounts(values: dict[str, Any]) -> Iterator[tuple[NodePath, str]]:
    """(field, path) of each writable mount: writablePaths, then emptyDir and persistent
    volumes of every container."""
    for index, path in enumerate(values.get("writablePaths") or []):
        yield ("writablePaths", index), str(path)
    owners: list[tuple[str, ...]] = [()]
    owners += [(f, n) for f in CONTAINER_LISTS for n in values.get(f) or {}]
    for owner in owners:
        spec = values if not owner else (values.get(owner[0]) or {}).get(owner[1]) or {}
        for path, volume in (spec.get("volumes") or {}).items():
            if str(path).rstrip("/") and any(k in (volume or {}) for k in WRITABLE_KINDS):
                yield (*owner, "volumes", path), str(path)


def check_system_paths(doc: Located) -> Iterator[Finding]:
    reported: set[Position] = set()
    for app, env, values in running(doc):
        for field, path in _mounts(values):
            problem = system_path_problem(path)
            position = where(doc, app, env, *field)
            if problem and position not in reported:
                reported.add(position)
                what = "writable path" if field[0] == "writablePaths" else "writable mount"
                yield rules.SYSTEM_PATH.finding(
                    f"{what} {shown(path)} of app '{app}' {problem}; make a folder of the "
                    f"app's own writable instead, e.g. /var/cache/{app}",
                    position,
                )


def _value(doc: Located, at: NodePath) -> Any:
    node: Any = doc.data
    for part in at:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _config_places(doc: Located) -> Iterator[tuple[NodePath, str]]:
    """(path of a `config` map, whose it is) wherever the catalog writes one."""
    yield ("defaults", "config"), "the defaults"
    for app, spec in _section(doc, "apps").items():
        yield ("apps", app, "config"), f"app '{app}'"
        for env in spec.get("environments") or {}:
            yield ("apps", app, "environments", env, "config"), f"app '{app}' in '{env}'"


def reads_as(value: Any, text: str) -> str | None:
    """What YAML made of the plain scalar written `text`, when that is not the string `text`."""
    if isinstance(value, bool):
        got = "true" if value else "false"
        return None if text == got else f'the boolean {got}: the app gets "{got}"'
    if isinstance(value, int):
        return None if text == str(value) else f'the number {value}: the app gets "{value}"'
    if isinstance(value, str) and text == value and value in YAML11_BOOLS:
        truth = "true" if value.lower() in ("yes", "on", "y") else "false"
        return f"a string, and YAML 1.1 readers as the boolean {truth}"
    return None


def check_config_values(doc: Located) -> Iterator[Finding]:
    for at, whose in _config_places(doc):
        config = _value(doc, at)
        for key, value in (config if isinstance(config, dict) else {}).items():
            text = doc.source_text((*at, key))
            reads = reads_as(value, text) if text else None
            if reads:
                yield rules.CONFIG_VALUE.finding(
                    f"config '{key}' of {whose} is {text}, which YAML reads as {reads}; quote "
                    f'it: {key}: "{text}"',
                    doc.position((*at, key)),
                )

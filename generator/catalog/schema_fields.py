"""Where each catalog key is a field: the paths of schemas/catalog.schema.json, so an unknown
key that is a real field elsewhere (`version` at the app, `image` in an environment) is told
where it belongs."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from generator.manifest import NodePath

# A map's members are named by the user; shown as a placeholder in a path.
PLACEHOLDERS: Mapping[str, str] = {
    "apps": "<app>",
    "environments": "<env>",
    "clusters": "<cluster>",
    "teams": "<team>",
    "sidecars": "<sidecar>",
    "initContainers": "<container>",
    "ports": "<port>",
    "volumes": "<mountPath>",
    "addons": "<addon>",
}
_MAX_DEPTH = 8


def _resolve(root: Mapping[str, Any], schema: Any, seen: frozenset[str]) -> Iterator[Any]:
    """The schema and the alternatives it stands for ($ref, anyOf, oneOf, allOf)."""
    if not isinstance(schema, Mapping):
        return
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, Mapping) else {}
        yield from _resolve(root, target, seen | {ref})
    yield schema
    for key in ("anyOf", "oneOf", "allOf"):
        for alternative in schema.get(key, []):
            yield from _resolve(root, alternative, seen)


def _walk(
    root: Mapping[str, Any], schema: Any, at: tuple[str, ...], seen: frozenset[str]
) -> Iterator[tuple[str, tuple[str, ...]]]:
    if len(at) > _MAX_DEPTH:
        return
    for part in _resolve(root, schema, seen):
        ref = part.get("$ref") if isinstance(part, Mapping) else None
        inner = seen | ({ref} if isinstance(ref, str) else set())
        for key, child in (part.get("properties") or {}).items():
            yield key, at
            yield from _walk(root, child, (*at, key), inner)
        members = part.get("additionalProperties")
        if isinstance(members, Mapping) and at and at[-1] in PLACEHOLDERS:
            yield from _walk(root, members, (*at, PLACEHOLDERS[at[-1]]), inner)


def field_paths(schema: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    """key -> the generic paths of the mappings where it is a field (`apps.<app>`), sorted."""
    found: dict[str, set[str]] = {}
    for key, at in _walk(schema, schema, (), frozenset()):
        found.setdefault(key, set()).add(".".join(at) if at else "the top level")
    return {key: tuple(sorted(paths)) for key, paths in found.items()}


def generic(at: NodePath) -> str:
    """`apps.ledger.environments.dev` -> `apps.<app>.environments.<env>`."""
    parts = [
        PLACEHOLDERS[str(at[i - 1])] if i and str(at[i - 1]) in PLACEHOLDERS else str(part)
        for i, part in enumerate(at)
    ]
    return ".".join(parts)


_CONTAINERS = ("<sidecar>", "<container>")


def nearest(paths: tuple[str, ...], at: NodePath, most: int = 2) -> list[str]:
    """The `paths` closest to `at`: sharing more of its path first, then the shallowest; a
    sidecar's or init container's fields only when `at` is inside one."""
    here = generic(at).split(".")
    inside = any(p in here for p in _CONTAINERS)
    candidates = [p for p in paths if inside or not any(c in p for c in _CONTAINERS)]

    def shared(path: str) -> int:
        count = 0
        for a, b in zip(path.split("."), here, strict=False):
            if a != b:
                break
            count += 1
        return count

    ranked = sorted(candidates or paths, key=lambda p: (-shared(p), len(p.split(".")), p))
    # A field of another section altogether (an add-on's `version`) is no hint here.
    if shared(ranked[0]):
        ranked = [p for p in ranked if shared(p)]
    return ranked[:most]

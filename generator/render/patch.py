"""The strategic-merge patch that turns one rendered object into another.

An overlay patches what an environment changes in its app's base objects. Maps carry only
the keys that differ (a key the environment drops is `null`, which deletes it); lists that
Kubernetes merges by a key (containers by name, volume mounts by path ...) carry only the
entries that differ, each with its key (a dropped entry is `$patch: delete`); any other list
is restated whole, since a strategic merge replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

# Lists a strategic merge patch merges by a key, per field name (Kubernetes' patchMergeKey).
MERGE_KEYS: Mapping[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",
}
# Container ports merge by containerPort, Service ports by port: the entry decides.
PORT_KEYS = ("containerPort", "port")


def _merge_key(field: str, items: Sequence[Any]) -> str | None:
    if field == "ports":
        return next(
            (k for k in PORT_KEYS if all(isinstance(i, dict) and k in i for i in items)), None
        )
    key = MERGE_KEYS.get(field)
    if key is None or not all(isinstance(i, dict) and key in i for i in items):
        return None
    return key


def _list_patch(field: str, old: list[Any], new: list[Any]) -> list[Any] | None:
    if old == new:
        return None
    key = _merge_key(field, [*old, *new])
    if key is None:
        return new
    before = {item[key]: item for item in old}
    after = {item[key]: item for item in new}
    patch: list[Any] = []
    for name, item in after.items():
        if name not in before:
            patch.append(item)
        elif (change := diff(before[name], item)) is not None:
            patch.append({key: name, **change})
    for name in before:
        if name not in after:
            patch.append({key: name, "$patch": "delete"})
    return patch


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any] | None:
    """The patch from `old` to `new`, or None when they are equal."""
    patch: dict[str, Any] = {}
    for key, value in new.items():
        if key not in old:
            patch[key] = value
        elif isinstance(value, dict) and isinstance(old[key], dict):
            change = diff(old[key], value)
            if change is not None:
                patch[key] = change
        elif isinstance(value, list) and isinstance(old[key], list):
            listed = _list_patch(key, old[key], value)
            if listed is not None:
                patch[key] = listed
        elif value != old[key]:
            patch[key] = value
    for key in old:
        if key not in new:
            patch[key] = None
    return patch or None


def object_patch(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any] | None:
    """A patch file's document: the object's identity, then what changes."""
    change = diff(old, new)
    if change is None:
        return None
    change.pop("metadata", None)
    meta_change = diff(old["metadata"], new["metadata"])
    metadata: dict[str, Any] = {"name": new["metadata"]["name"]}
    if meta_change:
        metadata.update(meta_change)
    return {"apiVersion": new["apiVersion"], "kind": new["kind"], "metadata": metadata, **change}

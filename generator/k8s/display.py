"""How findings show what they are about: values as the YAML a person wrote, objects and
containers by their names, or by what they are when they have none.

- `show(None)` is `null`, `show(True)` is `true`, `show("x")` is `'x'`: never Python's repr.
- An object without a name is `Deployment (no name)`.
- A container is named by its `name`, else by its place: `containers[1]`,
  `initContainers[0]`, `ephemeralContainers[0]`; every rule message uses that one form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NO_NAME = "(no name)"


def show(value: object) -> str:
    """A value as the YAML a person wrote: true, 0, null, 'Unconfined'."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {show(v)}" for k, v in value.items()) + "}"
    return f"'{value}'"


def named(kind: str, name: object, *, quoted: bool = False) -> str:
    """`Deployment web` (`Secret 'db'` when quoted), or `Deployment (no name)`."""
    what = kind or "object"
    if not isinstance(name, str) or not name:
        return f"{what} {NO_NAME}"
    return f"{what} '{name}'" if quoted else f"{what} {name}"


def container_name(obj: Mapping[str, Any], field: str, index: int) -> str:
    """A container's name, or its place in the pod spec when it has none."""
    name = obj.get("name")
    return name if isinstance(name, str) and name else f"{field}[{index}]"

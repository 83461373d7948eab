"""A catalog change judged on the catalog's data, where that is enough: an edit inside some
apps' own entries touches those apps' folders and nothing else, so `validate --changed`
need not render the catalog at the base revision to find them.

What one app's entry says shows in other apps' generated files only through `dependsOn`
(sync waves, network policies), `enabled` (the roots, CODEOWNERS, policies) and `team`
(CODEOWNERS); an edit of those, an app added or removed, or any edit outside `apps` is left
to the comparison of the two rendered trees (generator.gitops.changes). Network policies of
the whole environment sit in its `_namespace`, which every environment in scope brings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator.catalog.model import Catalog

Pair = tuple[str, str | None]
# App fields other apps' generated files read.
SHARED_FIELDS = ("dependsOn", "enabled", "team")


def _shares(old: Any, new: Any) -> bool:
    """Whether an app's edit reaches a field other apps' files read, at any level."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return True
    if any(old.get(f) != new.get(f) for f in SHARED_FIELDS):
        return True
    old_envs, new_envs = old.get("environments"), new.get("environments")
    if not isinstance(old_envs, Mapping) or not isinstance(new_envs, Mapping):
        return old_envs != new_envs
    for env in {*old_envs, *new_envs}:
        a, b = old_envs.get(env, {}), new_envs.get(env, {})
        if not isinstance(a, Mapping) or not isinstance(b, Mapping):
            return True
        if any(a.get(f) != b.get(f) for f in SHARED_FIELDS):
            return True
    return False


def app_local_pairs(old: Any, new: Any, catalog: Catalog) -> set[Pair] | None:
    """The (env, app) pairs an edit confined to apps' own entries touches (between the
    catalog data `old` and `new`; `catalog` is `new`'s model); None when the edit reaches
    further and the rendered trees must be compared."""
    if not isinstance(old, Mapping) or not isinstance(new, Mapping):
        return None
    if {k: v for k, v in old.items() if k != "apps"} != {
        k: v for k, v in new.items() if k != "apps"
    }:
        return None
    old_apps, new_apps = old.get("apps"), new.get("apps")
    if not isinstance(old_apps, Mapping) or not isinstance(new_apps, Mapping):
        return None
    if set(old_apps) != set(new_apps):
        return None
    envs = [e.name for e in catalog.environments]
    pairs: set[Pair] = set()
    for name in sorted(new_apps):
        before, after = old_apps[name], new_apps[name]
        if before == after:
            continue
        if _shares(before, after):
            return None
        app = catalog.app(name)
        own = {k for k in {*before, *after} if before.get(k) != after.get(k)}
        if own == {"environments"}:
            old_envs, new_envs = before["environments"], after["environments"]
            touched = [e for e in envs if old_envs.get(e) != new_envs.get(e)]
        else:
            touched = envs
        pairs |= {(e, name) for e in touched if app.deployment(e).enabled}
    return pairs

"""Apps with errors, set aside so the rest of the catalog is still checked.

An error inside one app's entry does not stop the next stage for the other apps: an app
the schema refuses is left out of what the checks see (and a check's finding on a
reference to it, a `dependsOn` entry, is dropped: the app exists, only broken), and an app
a check refuses is left out of what is rendered for the manifest rules. An error anywhere
else (the environments, the clusters, the teams, the top level) stops there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from generator.finding import Finding, Position, Severity
from generator.yamlio import Located


def _owners(doc: Located) -> dict[tuple[int, int], set[str | None]]:
    """(line, column) -> the apps whose entry holds a node there (None: outside any app)."""
    found: dict[tuple[int, int], set[str | None]] = {}
    for table in (doc.keys, doc.values):
        for at, place in table.items():
            app = str(at[1]) if len(at) >= 2 and at[0] == "apps" else None
            found.setdefault(place, set()).add(app)
    return found


def set_aside(doc: Located, found: Sequence[Finding]) -> tuple[Located | None, frozenset[str]]:
    """The catalog without the apps whose entries the errors of `found` lie in, and their
    names; None when an error lies outside every app's entry."""
    errors = [f for f in found if f.severity is Severity.ERROR]
    if not errors:
        return doc, frozenset()
    owners = _owners(doc)
    broken: set[str] = set()
    for finding in errors:
        holders = owners.get((finding.line, finding.column), {None})
        if None in holders or len(holders) != 1:
            return None, frozenset()
        broken |= {a for a in holders if a is not None}
    data: Any = doc.data
    apps = data.get("apps") if isinstance(data, dict) else None
    if not isinstance(apps, dict):
        return None, frozenset()
    kept = {name: spec for name, spec in apps.items() if name not in broken}
    return replace(doc, data={**data, "apps": kept}), frozenset(broken)


def references_to(doc: Located, aside: frozenset[str]) -> frozenset[Position]:
    """Where the checked apps name an app that was set aside (their `dependsOn` entries)."""
    places: set[Position] = set()
    for app, spec in (doc.data.get("apps") or {}).items():
        depends = spec.get("dependsOn") if isinstance(spec, dict) else None
        for index, name in enumerate(depends if isinstance(depends, list) else []):
            if name in aside:
                places.add(doc.position(("apps", app, "dependsOn", index)))
    return frozenset(places)

"""`gitopsgen status --format markdown`, for a pull-request comment or a job summary:
GitHub-flavoured tables of the app x environment matrix (with a legend), what stands apart
from its sources, the hotfixes and the cluster add-ons."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from generator.catalog.model import Addon
from generator.gitops.status import Cell, Comparison, Status
from generator.report.status_text import (
    SHORT_DIGEST,
    addon_marks,
    marks,
    promotion,
    short,
    summary,
)

# The text marks as GitHub shows them, and what each means.
EMOJI = {"<": "⬇️", ">": "⬆️", "~": "≠", "!": "🚑"}
MEANING = {
    "<": "behind a source",
    ">": "ahead of a source",
    "~": "differs from a source (not both SemVer)",
    "!": "hotfix",
}
VERB = {
    Comparison.BEHIND: "behind",
    Comparison.AHEAD: "ahead of",
    Comparison.DIFFERS: "differs from",
}


def text(value: str) -> str:
    """Plain text safe in a table cell: no HTML, no column break, one line."""
    for raw, safe in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|")):
        value = value.replace(raw, safe)
    return " ".join(value.split())


def code(value: str) -> str:
    """A name or version as inline code (none of them holds a backtick or a `|`)."""
    return f"`{text(value)}`"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = [f"| {' | '.join(header)} |\n", f"|{' --- |' * len(header)}\n"]
    return lines + [f"| {' | '.join(row)} |\n" for row in rows]


def _version(cell: Cell) -> str:
    if not cell.enabled:
        return "_disabled_"
    found = marks(cell)
    shown = code(short(cell.version or ""))
    return f"{shown} {' '.join(EMOJI[m] for m in found)}" if found else shown


def _legend(status: Status) -> list[str]:
    used = "".join(marks(c) for c in status.cells)
    used += "".join(addon_marks(status, a) for a in status.addons)
    parts = [f"{EMOJI[m]} {MEANING[m]}" for m in EMOJI if m in used]
    if any("@" in (c.version or "") for c in status.cells if c.enabled):
        parts.append(f"digests shortened to {SHORT_DIGEST} hex digits")
    return ["\n", " · ".join(parts) + "\n"] if parts else []


def _apart(status: Status) -> list[str]:
    rows = [
        [
            code(c.app),
            code(c.environment),
            code(short(c.version or "")),
            VERB[s.comparison],
            code(s.environment),
            code(short(s.version or "")),
        ]
        for c in status.cells
        for s in c.apart
    ]
    if not rows:
        return []
    header = ["app", "environment", "version", "", "source", "source's version"]
    return ["\n### Apart from their sources\n\n", *_table(header, rows)]


def _hotfixes(status: Status) -> list[str]:
    rows = [
        [code(c.app), code(c.environment), code(short(c.version or "")), text(c.hotfix)]
        for c in status.cells
        if c.hotfix is not None
    ]
    if not rows:
        return []
    return ["\n### Hotfixes\n\n", *_table(["app", "environment", "version", "reason"], rows)]


def _addon_version(status: Status, addon: Addon) -> str:
    found = addon_marks(status, addon)
    shown = code(addon.version)
    return f"{shown} {' '.join(EMOJI[m] for m in found)}" if found else shown


def _addons(status: Status) -> list[str]:
    if not status.addons:
        return []
    clusters = status.clusters
    versions = {(a.name, a.cluster): _addon_version(status, a) for a in status.addons}
    rows = [
        [code(name), *(versions.get((name, c), "—") for c in clusters)]
        for name in sorted({a.name for a in status.addons})
    ]
    return ["\n### Cluster add-ons\n\n", *_table(["add-on", *map(code, status.clusters)], rows)]


def report(status: Status) -> str:
    out = [
        "## What runs where\n\n",
        f"{code(status.catalog)}: {summary(status)}.\n\n",
        f"Promotion: {promotion(status, '→', code)}.\n\n",
    ]
    header = ["app", *(code(e.name) for e in status.environments)]
    rows = [
        [f"{code(r.app)} (chart)" if r.chart else code(r.app), *map(_version, r.cells)]
        for r in status.rows
    ]
    out += _table(header, rows)
    out += _legend(status) + _apart(status) + _hotfixes(status) + _addons(status)
    return "".join(out)

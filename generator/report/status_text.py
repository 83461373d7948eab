"""`gitopsgen status` for a terminal: a summary, the promotion order, the app x environment
matrix in aligned columns (digests shortened, a mark per state), what stands apart from its
sources, the hotfixes and the add-ons. Colour only where the caller asks for it."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import click

from generator.catalog.model import Addon
from generator.gitops.status import Cell, Comparison, Status

SHORT_DIGEST = 7  # hex digits of a digest shown in text and Markdown (JSON has the whole)

# The mark each state puts after a version, in this order, and what it means.
MARKS: tuple[tuple[str, str, str], ...] = (
    ("<", "behind a source", "yellow"),
    (">", "ahead of a source", "cyan"),
    ("~", "differs from a source (not both SemVer)", "cyan"),
    ("!", "hotfix", "red"),
)
STATE_MARKS = {Comparison.BEHIND: "<", Comparison.AHEAD: ">", Comparison.DIFFERS: "~"}
PHRASES = {Comparison.BEHIND: "is behind", Comparison.AHEAD: "is ahead of"}
PHRASES[Comparison.DIFFERS] = "differs from"
DISABLED = "disabled"
GAP = "  "

Styled = tuple[str, str]  # (plain text, the same with colour codes)


def short(version: str) -> str:
    """`1.4.1@sha256:3c1ab2a` for `1.4.1@sha256:3c1ab2a1f0e4...`: a digest's first hex digits."""
    tag, at, digest = version.partition("@")
    if not at:
        return version
    algorithm, colon, hex_digits = digest.partition(":")
    return f"{tag}@{algorithm}{colon}{hex_digits[:SHORT_DIGEST]}"


def marks(cell: Cell) -> str:
    found = {STATE_MARKS[s.comparison] for s in cell.apart}
    if cell.hotfix is not None:
        found.add("!")
    return "".join(mark for mark, _, _ in MARKS if mark in found)


def addon_marks(status: Status, addon: Addon) -> str:
    """An add-on's marks on its cluster: against its source clusters, and `!` for a hotfix."""
    found = {
        STATE_MARKS[s.comparison]
        for s in status.addon_sources.get((addon.name, addon.cluster), ())
        if s.comparison in STATE_MARKS
    }
    if addon.hotfix is not None:
        found.add("!")
    return "".join(mark for mark, _, _ in MARKS if mark in found)


def count(n: int, what: str, plural: str | None = None) -> str:
    return f"{n} {what if n == 1 else plural or what + 's'}"


def summary(status: Status) -> str:
    """`6 apps in 5 environments; 2 behind their sources, 1 hotfix, 1 disabled` (pairs of an
    app and an environment)."""
    cells = status.cells
    parts = [
        f"{sum(1 for c in cells if c.compared(Comparison.BEHIND))} behind their sources",
        count(sum(1 for c in cells if c.hotfix is not None), "hotfix", "hotfixes"),
        f"{sum(1 for c in cells if not c.enabled)} disabled",
    ]
    sizes = f"{count(len(status.rows), 'app')} in {count(len(status.environments), 'environment')}"
    return f"{sizes}; " + ", ".join(parts)


def promotion(status: Status, arrow: str = "->", name: Callable[[str], str] = str) -> str:
    """`dev -> staging -> prod` for the default order; each environment's sources otherwise:
    `qa -> staging-eu; staging-eu, staging-us -> prod-us`."""
    if status.linear:
        return f" {arrow} ".join(name(e.name) for e in status.environments)
    return "; ".join(
        f"{', '.join(name(s) for s in e.promotes_from)} {arrow} {name(e.name)}"
        for e in status.environments
        if e.promotes_from
    )


COLOURS = {mark: colour for mark, _, colour in MARKS}


def _style(text: str, colour: str | None, color: bool, dim: bool = False) -> Styled:
    if not color or not (colour or dim):
        return text, text
    return text, click.style(text, fg=colour, dim=dim or None)


def _version_cell(cell: Cell, color: bool) -> Styled:
    if not cell.enabled:
        return _style(DISABLED, None, color, dim=True)
    text = short(cell.version or "")
    found = marks(cell)
    if not found:
        return text, text
    styled = "".join(_style(mark, COLOURS[mark], color)[1] for mark in found)
    return f"{text} {found}", f"{text} {styled}"


def table(rows: Sequence[Sequence[Styled]]) -> list[str]:
    """Columns padded to their widest plain text, two spaces apart, no trailing spaces."""
    widths = [max(len(row[i][0]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        padded = [
            styled + " " * (w - len(plain)) for (plain, styled), w in zip(row, widths, strict=True)
        ]
        lines.append(GAP.join(padded).rstrip() + "\n")
    return lines


def _plain(text: str) -> Styled:
    return text, text


def _matrix(status: Status, color: bool) -> list[str]:
    header = [_plain("APP"), *(_plain(e.name) for e in status.environments)]
    rows = [
        [
            _plain(f"{row.app} (chart)" if row.chart else row.app),
            *(_version_cell(c, color) for c in row.cells),
        ]
        for row in status.rows
    ]
    return table([header, *rows])


def _legend(status: Status, color: bool) -> list[str]:
    used = "".join(marks(c) for c in status.cells)
    used += "".join(addon_marks(status, a) for a in status.addons)
    parts = [f"{_style(m, COLOURS[m], color)[1]} {what}" for m, what, _ in MARKS if m in used]
    return [GAP.join(parts) + "\n"] if parts else []


def _apart(status: Status) -> list[str]:
    rows = [
        [
            _plain(cell.app),
            _plain(cell.environment),
            _plain(
                f"{short(cell.version or '')} {PHRASES[source.comparison]} "
                f"{source.environment} ({short(source.version or '')})"
            ),
        ]
        for cell in status.cells
        for source in cell.apart
    ]
    return ["\napart from their sources:\n", *("  " + line for line in table(rows))] if rows else []


def _hotfixes(status: Status) -> list[str]:
    rows = [
        [_plain(c.app), _plain(c.environment), _plain(f"{short(c.version or '')}: {c.hotfix}")]
        for c in status.cells
        if c.hotfix is not None
    ]
    return ["\nhotfixes:\n", *("  " + line for line in table(rows))] if rows else []


def _addons(status: Status) -> list[str]:
    if not status.addons:
        return []
    names = sorted({a.name for a in status.addons})
    versions = {(a.name, a.cluster): _addon_version(status, a) for a in status.addons}
    header = [_plain("ADD-ON"), *(_plain(c) for c in status.clusters)]
    rows = [
        [_plain(n), *(_plain(versions.get((n, c), "-")) for c in status.clusters)] for n in names
    ]
    return ["\ncluster add-ons:\n", *("  " + line for line in table([header, *rows]))]


def _addon_version(status: Status, addon: Addon) -> str:
    found = addon_marks(status, addon)
    return f"{addon.version} {found}" if found else addon.version


def report(status: Status, color: bool = False) -> str:
    out = [
        f"{status.catalog}: {summary(status)}\n",
        f"promotion: {promotion(status)}\n",
        "\n",
        *_matrix(status, color),
    ]
    legend = _legend(status, color)
    if legend:
        out += ["\n", *legend]
    out += _apart(status) + _hotfixes(status) + _addons(status)
    return "".join(out)

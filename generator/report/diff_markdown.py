"""The rendered diff as Markdown for a pull-request comment or a GitHub job summary: a
heading, a table of environment / app / object / change, and a `diff` block per object."""

from __future__ import annotations

import re

from generator.gitops.diff import RenderedDiff
from generator.report.diff_text import summary, where

_BACKTICKS = re.compile(r"`+")


def _fenced(info: str, body: str) -> str:
    """`body` in a fence longer than any run of backticks inside it."""
    fence = "`" * max(3, 1 + max((len(m) for m in _BACKTICKS.findall(body)), default=0))
    return f"{fence}{info}\n{body}{'' if body.endswith(chr(10)) else chr(10)}{fence}\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def report(diff: RenderedDiff) -> str:
    out = [f"## Rendered manifests against `{diff.base}`\n\n"]
    sentence = summary(diff)
    out.append(sentence[0].upper() + sentence[1:] + ".\n")
    if not diff.changed:
        return "".join(out)
    out.append("\n| environment | app | object | change |\n| --- | --- | --- | --- |\n")
    for folder in diff.folders:
        row = f"| {_cell(folder.environment)} | {_cell(folder.name)} |"
        out += [f"{row} | build failed {_cell(f.side)} |\n" for f in folder.failures]
        out += [f"{row} {_cell(str(c.key))} | {c.change} |\n" for c in folder.changes]
    for folder in diff.folders:
        for failure in folder.failures:
            out.append(f"\n### {where(folder)}: build failed {failure.side}\n\n")
            out.append(_fenced("text", failure.message))
        for change in folder.changes:
            out.append(f"\n### {where(folder)}: {change.key} ({change.change})\n\n")
            out.append(_fenced("diff", change.diff))
    return "".join(out)

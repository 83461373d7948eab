"""Where in a chart's template a rendered node comes from, as near as the template's text
tells: the line of the deepest key of the node's path found in the template, each key
looked for below the line of the one before it (`securityContext:` when the values fill in
`privileged: true` under it through `toYaml`). Templates are text, not YAML: a key the
template computes is not found, and the search stops at the last key it found."""

from __future__ import annotations

import re

from generator.manifest import NodePath


def template_position(source: str, node: NodePath, document: int = 0) -> tuple[int, int]:
    """(line, column), 1-based, of `node` of the `document`-th object in `source`; (1, 1)
    when no key of it is found."""
    lines = source.splitlines()
    start = _document_start(lines, document)
    found = (start + 1, 1) if start else (1, 1)
    for key in node:
        if not isinstance(key, str):
            continue
        pattern = re.compile(rf"^(\s*(?:-\s+)?)[\"']?{re.escape(key)}[\"']?\s*:")
        for number in range(start, len(lines)):
            match = pattern.match(lines[number])
            if match:
                found = (number + 1, len(match.group(1)) + 1)
                start = number + 1
                break
        else:
            break
    return found


def _document_start(lines: list[str], document: int) -> int:
    """The line after the `document`-th `---` separator (0 for the first document)."""
    seen = 0
    for number, line in enumerate(lines):
        if seen == document:
            return number
        if line.rstrip() == "---":
            seen += 1
    return 0

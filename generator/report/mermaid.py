"""`gitopsgen graph`: the promotion DAG and the `dependsOn` graph as a Mermaid flowchart.

Environments are nodes grouped by cluster, with an arrow from each source to the
environment that promotes from it; apps are nodes grouped by team, with an arrow from each
app to what it depends on. Node ids are the name with a prefix of its kind and `_` for `-`
(catalog names are DNS-1123 labels, so the ids are unique and never a Mermaid keyword such
as `end`); labels are quoted.
"""

from __future__ import annotations

import re

from generator.catalog.model import Catalog

WHAT = ("promotion", "dependencies", "all")
INDENT = "  "
ARROW = " --> "
# What Mermaid renders at most by default (its `maxEdges` and `maxTextSize`); a page that
# does not raise them shows an error instead of a larger diagram.
MAX_EDGES = 500
MAX_TEXT = 50_000
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def node_id(kind: str, name: str) -> str:
    """`env_staging_eu` for environment `staging-eu`; any other character than a letter, a
    digit or `-` becomes `_` and its code point (not one in a DNS-1123 label)."""
    safe = _UNSAFE.sub(lambda m: "_" if m[0] == "-" else f"_{ord(m[0]):x}_", name)
    return f"{kind}_{safe}"


def label(text: str) -> str:
    """A quoted label: `"` and `#` as Mermaid's entity codes."""
    return '"' + text.replace("#", "#35;").replace('"', "#quot;") + '"'


def _subgraph(sid: str, title: str, nodes: list[str]) -> list[str]:
    return [f"subgraph {sid}[{label(title)}]", *(INDENT + n for n in nodes), "end"]


def promotion(catalog: Catalog) -> list[str]:
    lines = ["%% promotion: an arrow goes from an environment to those that promote from it"]
    clusters = dict.fromkeys(e.cluster for e in catalog.environments)
    for cluster in clusters:
        nodes = [
            f"{node_id('env', e.name)}[{label(e.name)}]"
            for e in catalog.environments
            if e.cluster == cluster
        ]
        lines += _subgraph(node_id("cluster", cluster), f"cluster {cluster}", nodes)
    lines += [
        f"{node_id('env', source)}{ARROW}{node_id('env', e.name)}"
        for e in catalog.environments
        for source in e.promotes_from
    ]
    return lines


def dependencies(catalog: Catalog) -> list[str]:
    lines = ["%% dependencies: an arrow goes from an app to an app it depends on"]
    for team in catalog.teams:
        nodes = [
            f"{node_id('app', a.name)}[{label(f'{a.name} (chart)' if a.chart else a.name)}]"
            for a in catalog.apps
            if a.team == team.name
        ]
        if nodes:
            lines += _subgraph(node_id("team", team.name), f"team {team.name}", nodes)
    lines += [
        f"{node_id('app', a.name)}{ARROW}{node_id('app', dep)}"
        for a in catalog.apps
        for dep in a.depends_on
    ]
    return lines


def flowchart(catalog: Catalog, what: str = "all") -> str:
    """The whole Mermaid text: one graph, or both as two subgraphs of one flowchart."""
    if what == "promotion":
        body = promotion(catalog)
    elif what == "dependencies":
        body = dependencies(catalog)
    else:
        # A subgraph none of whose nodes links outside keeps a direction of its own: each
        # graph reads left to right, and the two stand one above the other.
        body = _subgraph("promotion", "promotion", ["direction LR", *promotion(catalog)])
        body += _subgraph("dependencies", "dependencies", ["direction LR", *dependencies(catalog)])
    return "flowchart LR\n" + "".join(f"{INDENT}{line}\n" for line in body)


def fenced(mermaid: str) -> str:
    """The Mermaid text in a Markdown code block, as GitHub renders it."""
    return f"```mermaid\n{mermaid}```\n"


def too_large(mermaid: str) -> str | None:
    """Why Mermaid's default limits refuse to draw `mermaid`, or None."""
    edges = sum(1 for line in mermaid.splitlines() if ARROW in line)
    problems = []
    if edges > MAX_EDGES:
        problems.append(f"{edges} arrows (Mermaid draws at most {MAX_EDGES} by default)")
    if len(mermaid) > MAX_TEXT:
        problems.append(f"{len(mermaid)} characters (Mermaid draws at most {MAX_TEXT} by default)")
    return " and ".join(problems) if problems else None

"""`tree-` rules: the generated tree on disk against what the catalog produces."""

from __future__ import annotations

from generator.finding import Severity
from generator.rule import Rule

FOREIGN_FILE = Rule(
    "tree-foreign-file",
    Severity.ERROR,
    "gitopsgen never overwrites a file it did not generate.",
    "A file without the generated header sits where the catalog puts a generated file. "
    "Move it away (or merge its content into the catalog) and run `gitopsgen generate`.",
)
DRIFT = Rule(
    "tree-drift",
    Severity.ERROR,
    "The committed tree is what the catalog generates.",
    "A generated file was edited by hand, or the catalog changed without regenerating. "
    "Run `gitopsgen generate` and commit the result; change the catalog, not the output.",
)
MISSING_FILE = Rule(
    "tree-missing-file",
    Severity.ERROR,
    "Every file the catalog generates is committed.",
    "Run `gitopsgen generate` and commit the new files.",
)
STALE_FILE = Rule(
    "tree-stale-file",
    Severity.ERROR,
    "No generated file is left that the catalog no longer produces.",
    "Run `gitopsgen generate`: it removes generated files the catalog no longer produces.",
)
STRAY_FILE = Rule(
    "tree-stray-file",
    Severity.WARNING,
    "Generated folders hold only generated files.",
    "A hand-written file inside base/, overlays/ or argocd/ is not built or synced by "
    "anything the catalog generates; move it out, or describe it in the catalog.",
)

TREE_RULES: tuple[Rule, ...] = (FOREIGN_FILE, DRIFT, MISSING_FILE, STALE_FILE, STRAY_FILE)

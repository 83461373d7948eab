"""`tree-` rules: the generated tree on disk against what the catalog produces."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from generator.finding import Finding, Position, Severity
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
    "A hand-written file inside base/, overlays/ or argocd/ is outside the catalog: a "
    "review of the catalog does not see it, and a later catalog may generate its path. Move "
    "it out, or describe it in the catalog. (A hand-written Argo CD object under argocd/ is "
    "an error: tree-stray-argocd-object.)",
)
STRAY_ARGOCD_OBJECT = Rule(
    "tree-stray-argocd-object",
    Severity.ERROR,
    "Every Argo CD Application, ApplicationSet and AppProject under argocd/ is generated.",
    "The catalog decides what Argo CD syncs, from which repository, to which cluster and "
    "namespace, with which rights; a hand-written AppProject could allow every repository "
    "and destination, and an Application could sync another repository. The roots sync "
    "exactly the files the catalog generates (a brace list of paths in their directory "
    "`include`), so such a file is never synced, but it is one `include` edit away from it "
    "and hides in the folder reviewers trust. Remove it, or describe the app in the catalog. "
    "Reported by every `validate`, `--changed` too (with `--shard`, once: by the shard its "
    "path belongs to).",
)

TREE_RULES: tuple[Rule, ...] = (
    FOREIGN_FILE,
    DRIFT,
    MISSING_FILE,
    STALE_FILE,
    STRAY_FILE,
    STRAY_ARGOCD_OBJECT,
)
# Argo CD kinds a hand-written file under argocd/ must not hold.
ARGOCD_KINDS = ("AppProject", "Application", "ApplicationSet")
# path -> where the first such object is, and each as "Kind 'name'"
ArgoObjects = Mapping[str, tuple[Position, Sequence[str]]]


def _first_difference(current: bytes, expected: bytes) -> tuple[int, str, str]:
    old = current.decode("utf-8", "replace").splitlines()
    new = expected.decode("utf-8", "replace").splitlines()
    for number, (a, b) in enumerate(zip(old, new, strict=False), start=1):
        if a != b:
            return number, a, b
    shorter = min(len(old), len(new))
    return (
        shorter + 1,
        (old[shorter] if len(old) > shorter else ""),
        (new[shorter] if len(new) > shorter else ""),
    )


def tree_findings(
    writes: dict[str, bytes],
    deletes: tuple[str, ...],
    current: dict[str, bytes],
    foreign: tuple[str, ...],
    source: str,
    argocd_objects: ArgoObjects | None = None,
) -> list[Finding]:
    """Drift between the files on disk and the tree the catalog generates; `argocd_objects`
    are the hand-written files under argocd/ that hold Argo CD objects (errors, reported
    whether or not they are in `foreign`)."""
    argocd_objects = argocd_objects or {}
    found: list[Finding] = []
    for path, expected in sorted(writes.items()):
        if path not in current:
            found.append(
                MISSING_FILE.finding(
                    f"{path} is generated from {source} but missing; run 'gitopsgen generate' and "
                    "commit it",
                    Position(path),
                )
            )
            continue
        line, was, wanted = _first_difference(current[path], expected)
        found.append(
            DRIFT.finding(
                f"{path} differs from what {source} generates (line {line}: found {was.strip()!r}, "
                f"expected {wanted.strip()!r}); change {source}, not the generated file, and run "
                "'gitopsgen generate'",
                Position(path, line, 1),
            )
        )
    for path in deletes:
        found.append(
            STALE_FILE.finding(
                f"{path} was generated but {source} no longer produces it; "
                "run 'gitopsgen generate'",
                Position(path),
            )
        )
    for path in foreign:
        if path in argocd_objects:
            continue
        found.append(
            STRAY_FILE.finding(
                f"{path} is not generated from {source}; move it out of the generated folders "
                "or describe it in the catalog",
                Position(path),
            )
        )
    for path, (position, objects) in sorted(argocd_objects.items()):
        listed = ", ".join(objects[:-1]) + " and " + objects[-1] if len(objects) > 1 else objects[0]
        found.append(
            STRAY_ARGOCD_OBJECT.finding(
                f"{path} holds {listed}, which {source} does not generate; no root syncs it, "
                f"and an Argo CD object outside the catalog escapes its review: remove the file, "
                f"or describe the app in {source}",
                position,
            )
        )
    return found

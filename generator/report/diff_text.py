"""The rendered diff as plain text: one `=== env/app: Kind name (change)` header and a
unified diff per object, then a summary line."""

from __future__ import annotations

from generator.gitops.diff import FolderDiff, RenderedDiff


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def where(folder: FolderDiff) -> str:
    return f"{folder.environment}/{folder.name}"


def summary(diff: RenderedDiff) -> str:
    """One sentence: what differs from the base, or that nothing does."""
    compared = _count(len(diff.compared), "folder")
    if not diff.changed:
        return f"no changes to the rendered manifests against {diff.base} ({compared} compared)"
    changes = [c.change for f in diff.folders for c in f.changes]
    failed = sum(len(f.failures) for f in diff.folders)
    counts = ", ".join(f"{changes.count(c)} {c}" for c in ("changed", "added", "removed"))
    verb = "differs" if len(changes) == 1 else "differ"
    text = f"{_count(len(changes), 'object')} {verb} from {diff.base} ({counts})"
    changed = sum(1 for f in diff.folders if f.changes)
    text += f" in {_count(changed, 'folder')}; {compared} compared"
    return text + (f"; {_count(failed, 'build')} failed" if failed else "")


def report(diff: RenderedDiff) -> str:
    out: list[str] = []
    for folder in diff.folders:
        out += [f"=== {where(folder)}: {failure}\n" for failure in folder.failures]
        for change in folder.changes:
            out.append(f"=== {where(folder)}: {change.key} ({change.change})\n{change.diff}")
    out.append(summary(diff) + "\n")
    return "".join(out)

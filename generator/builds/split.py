"""Split what one Kustomize process built for several folders back into each folder's output,
byte for byte what the folder builds to alone, or say it cannot.

Kustomize writes objects as YAML documents separated by `---` lines, sorted by a total order
on (kind, namespace, name); the objects of one folder therefore come out in the order its
own build writes them. Each document goes to the one folder whose sources name its kind
and name (a generated ConfigMap or Secret with or without its hash suffix). Anything else
is ambiguous and the split refuses: a document no folder or two folders claim, a name that
is not plain, or a folder's generated name (which Kustomize rewrites in every reference of
the build) that shows up in another folder's objects, where building alone leaves it be.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from generator.builds.inputs import Claims, Id

_SEPARATOR = re.compile(r"(?m)^---\n")
_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]*")
_HASHED = re.compile(r"(.+)-[a-z0-9]{10}")


def documents(output: str) -> list[str]:
    return [d for d in _SEPARATOR.split(output) if d]


def join(docs: Sequence[str]) -> str:
    return "---\n".join(docs)


def identity(doc: str) -> Id | None:
    """The top-level `kind` and `metadata.name` of a document as Kustomize writes it (block
    style, two-space indent), or None when they are not plain."""
    kind = name = None
    in_metadata = False
    for line in doc.splitlines():
        if line.startswith("kind: "):
            kind = line[6:]
        if not line.startswith(" "):
            in_metadata = line == "metadata:"
        elif in_metadata and line.startswith("  name: "):
            name = line[8:]
    if kind is None or name is None or not (_PLAIN.fullmatch(kind) and _PLAIN.fullmatch(name)):
        return None
    return kind, name


def _owners(doc_id: Id, claims: Mapping[Path, Claims]) -> tuple[list[Path], bool]:
    """The folders that claim the object, and whether the claim is a generated name."""
    kind, name = doc_id
    hashed = _HASHED.fullmatch(name)
    found: list[Path] = []
    generated = False
    for folder, of in claims.items():
        if doc_id in of.names:
            found.append(folder)
        elif (kind, name) in of.generated or (hashed and (kind, hashed.group(1)) in of.generated):
            found.append(folder)
            generated = True
    return found, generated


def split(output: str, folders: Mapping[Path, Claims]) -> dict[Path, str] | None:
    """Each folder's output (in the order of `folders`), or None when ambiguous."""
    parts: dict[Path, list[str]] = {f: [] for f in folders}
    generated: dict[str, Path] = {}  # a generated name as built -> its folder
    owner_of: list[tuple[str, Path]] = []
    for doc in documents(output):
        doc_id = identity(doc)
        if doc_id is None:
            return None
        owners, is_generated = _owners(doc_id, folders)
        if len(owners) != 1:
            return None
        parts[owners[0]].append(doc)
        owner_of.append((doc, owners[0]))
        if is_generated:
            generated[doc_id[1]] = owners[0]
    if generated:
        names = re.compile("|".join(re.escape(n) for n in sorted(generated, key=len, reverse=True)))
        for doc, owner in owner_of:
            if any(generated[m.group(0)] != owner for m in names.finditer(doc)):
                return None
    return {f: join(docs) for f, docs in parts.items()}

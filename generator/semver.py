"""SemVer 2.0 precedence (semver.org §11) for catalog versions; pure functions."""

from __future__ import annotations

from generator.k8s.imageref import is_semver, split_version

Identifier = tuple[int, int | str]  # (0, number) sorts before (1, text), as §11 says
Key = tuple[int, int, int, int, tuple[Identifier, ...]]


def _key(tag: str) -> Key:
    core, _, _build = tag.removeprefix("v").partition("+")  # build metadata has no precedence
    numbers, dash, pre = core.partition("-")
    major, minor, patch = (int(n) for n in numbers.split("."))
    identifiers = tuple(
        (0, int(part)) if part.isdigit() else (1, part) for part in pre.split(".") if dash
    )
    # A release (no pre-release part) ranks above every pre-release of the same version.
    return (major, minor, patch, 0 if dash else 1, identifiers)


def compare_versions(a: str, b: str) -> int | None:
    """-1, 0 or 1 as catalog version `a` is older than, as old as or newer than `b` by SemVer
    precedence of their tags (digests ignored); None unless both tags are SemVer."""
    tag_a, _ = split_version(a)
    tag_b, _ = split_version(b)
    if tag_a is None or tag_b is None or not (is_semver(tag_a) and is_semver(tag_b)):
        return None
    key_a, key_b = _key(tag_a), _key(tag_b)
    return (key_a > key_b) - (key_a < key_b)

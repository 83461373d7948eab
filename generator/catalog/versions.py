"""What a version string may be under an environment's imagePolicy (ARCHITECTURE §2)."""

from __future__ import annotations

import re

SEMVER = re.compile(
    r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")
TAG = re.compile(r"^[\w][\w.-]{0,127}$")


def split_version(version: str) -> tuple[str, str | None]:
    """`1.4.1@sha256:...` -> ('1.4.1', 'sha256:...'); a tag may be empty when a digest is given."""
    tag, at, digest = version.partition("@")
    return tag, (digest if at else None)


def version_problem(version: str, policy: str) -> tuple[str, str] | None:
    """(rule id, reason) when `version` breaks `policy` (tag | semver | digest), else None."""
    tag, digest = split_version(version)
    if digest is not None and not DIGEST.match(digest):
        return (
            "image-policy-digest",
            "the digest must be sha256: followed by 64 lower-case hex digits",
        )
    if tag and not TAG.match(tag):
        return ("image-tag-required", "a tag is letters, digits, '_', '.' and '-', at most 128")
    if not tag and digest is None:
        return ("image-tag-required", "give a tag, a digest or both")
    if tag == "latest":
        return ("image-tag-latest", "'latest' is mutable; pin a version or a digest")
    if policy == "semver" and not SEMVER.match(tag):
        return ("image-policy-semver", "this environment's imagePolicy is semver: use e.g. 1.4.2")
    if policy == "digest" and digest is None:
        return (
            "image-policy-digest",
            "this environment's imagePolicy is digest: append @sha256:<digest>",
        )
    return None

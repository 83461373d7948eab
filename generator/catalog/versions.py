"""What a catalog version may be under an environment's imagePolicy (ARCHITECTURE §2).

The predicates are `generator.k8s.imageref`'s, so the catalog check and the `image-` rules on
rendered manifests decide alike and report under the same rule ids.
"""

from __future__ import annotations

import re

from generator.finding import Finding, Position, Severity
from generator.k8s.imageref import is_latest, is_semver, is_sha256_digest, split_version

_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


def version_problem(version: str, policy: str) -> tuple[str, str] | None:
    """(rule id, reason) when `version` breaks `policy` (tag | semver | digest), else None."""
    tag, digest = split_version(version)
    if tag is None and digest is None:
        return ("image-tag-required", "give a tag, a digest or both")
    if tag is not None and not _TAG.fullmatch(tag):
        return ("image-tag-required", "a tag is letters, digits, '_', '.' and '-', at most 128")
    if digest is not None and not is_sha256_digest(digest):
        return ("image-policy-digest", "a digest is sha256: and 64 lower-case hex digits")
    if is_latest(tag) and digest is None:
        return ("image-tag-latest", "'latest' is mutable; pin a version or a digest")
    if policy == "semver" and not is_semver(tag):
        return ("image-policy-semver", "this environment's imagePolicy is semver: use e.g. 1.4.2")
    if policy == "digest" and digest is None:
        return (
            "image-policy-digest",
            "this environment's imagePolicy is digest: append @sha256:<digest>",
        )
    return None


def version_finding(
    version: str, policy: str, what: str, env: str, position: Position
) -> Finding | None:
    """The finding, under the `image-` rule id it breaks, for `what`'s version in `env`."""
    problem = version_problem(version, policy)
    if problem is None:
        return None
    rule_id, reason = problem
    message = f"version '{version}' of {what} in '{env}': {reason}"
    return Finding(rule_id, Severity.ERROR, message, position, environment=env)

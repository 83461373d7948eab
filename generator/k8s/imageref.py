"""Container image references and the catalog's `imagePolicy` predicates; pure functions.

Grammar (distribution/reference, what the kubelet and container runtimes accept)::

    reference  := name [":" tag] ["@" digest]
    name       := [domain "/"] path-component ["/" path-component]*
    domain     := host [":" port]        host: DNS name, IPv4 or [IPv6]
    path-component := [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*
    tag        := [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
    digest     := algorithm ":" hex{32,}

The first path segment is a registry only when it contains `.` or `:`, is
`localhost`, or has upper-case letters (`localhost:5000/app:1.0` is registry
`localhost:5000`, repository `app`, tag `1.0`; `app:1.0` has no registry).

Policies (ARCHITECTURE §2), the same for image references and catalog versions:

- `tag`: pinned: a tag other than `latest`, or a digest (a digest pins the image
  whatever the tag says, so `app:latest@sha256:...` passes).
- `semver`: a SemVer 2.0 tag with an optional leading `v` (pre-release and build
  parts allowed), optionally followed by a `sha256` digest.
- `digest`: anything followed by `@sha256:<64 lowercase hex>`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

POLICIES: tuple[str, ...] = ("tag", "semver", "digest")

_DOMAIN_COMPONENT = r"(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])"
_DOMAIN = re.compile(
    rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|\[[0-9A-Fa-f:.]+\])(?::[0-9]+)?"
)
_PATH_COMPONENT = re.compile(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*")
_TAG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}")
_DIGEST = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}")
_SHA256 = re.compile(r"sha256:[0-9a-f]{64}")
_NUMBER = r"(?:0|[1-9][0-9]*)"
_PRERELEASE_PART = r"(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)"
_SEMVER = re.compile(
    rf"v?{_NUMBER}\.{_NUMBER}\.{_NUMBER}"
    rf"(?:-{_PRERELEASE_PART}(?:\.{_PRERELEASE_PART})*)?"
    r"(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_MAX_NAME = 255


class ImageRefError(ValueError):
    """A string that is not an image reference; the message says which part is wrong."""


@dataclass(frozen=True)
class ImageRef:
    """A parsed image reference; parts are as written (no Docker Hub normalisation)."""

    registry: str | None  # host[:port], None when implicit (Docker Hub)
    repository: str  # path below the registry, e.g. `library/nginx` or `nginx`
    tag: str | None
    digest: str | None  # `algorithm:hex`

    @property
    def name(self) -> str:
        return f"{self.registry}/{self.repository}" if self.registry else self.repository

    def __str__(self) -> str:
        tag = f":{self.tag}" if self.tag is not None else ""
        digest = f"@{self.digest}" if self.digest is not None else ""
        return f"{self.name}{tag}{digest}"

    def satisfies(self, policy: str) -> bool:
        return satisfies(policy, self.tag, self.digest)


def parse_image(reference: str) -> ImageRef:
    """Parse `reference`; raise ImageRefError when it does not follow the grammar."""
    rest, at, digest = reference.partition("@")
    if at and not _DIGEST.fullmatch(digest):
        raise ImageRefError(f"digest {digest!r} is not <algorithm>:<hex>")
    slash = rest.rfind("/")
    colon = rest.rfind(":")
    tag: str | None = None
    if colon > slash:  # a colon before the last slash is a registry port
        rest, tag = rest[:colon], rest[colon + 1 :]
        if not _TAG.fullmatch(tag):
            raise ImageRefError(f"tag {tag!r} is not [A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}}")
    if not rest:
        raise ImageRefError("the repository name is empty")
    if len(rest) > _MAX_NAME:
        raise ImageRefError(f"the name is longer than {_MAX_NAME} characters")
    first, slash_found, remainder = rest.partition("/")
    registry: str | None = None
    if slash_found and _is_registry(first):
        if not _DOMAIN.fullmatch(first):
            raise ImageRefError(f"registry {first!r} is not host[:port]")
        registry, rest = first, remainder
    for component in rest.split("/"):
        if not _PATH_COMPONENT.fullmatch(component):
            raise ImageRefError(
                f"repository part {component!r} is not lower-case letters and digits "
                "separated by '.', '_', '__' or '-'"
            )
    return ImageRef(registry, rest, tag, digest if at else None)


def _is_registry(segment: str) -> bool:
    return "." in segment or ":" in segment or segment == "localhost" or segment != segment.lower()


def is_latest(tag: str | None) -> bool:
    return tag == "latest"


def is_semver(tag: str | None) -> bool:
    """SemVer 2.0 with an optional leading `v`: `1.2.3`, `v1.2.3-rc.1`, `1.2.3+build.5`."""
    return tag is not None and _SEMVER.fullmatch(tag) is not None


def is_sha256_digest(digest: str | None) -> bool:
    """`sha256:` and exactly 64 lower-case hex digits."""
    return digest is not None and _SHA256.fullmatch(digest) is not None


def satisfies(policy: str, tag: str | None, digest: str | None) -> bool:
    """Whether a (tag, digest) pair meets an `imagePolicy`; ValueError for an unknown one."""
    if policy == "tag":
        return digest is not None or (tag is not None and not is_latest(tag))
    if policy == "semver":
        return is_semver(tag) and (digest is None or is_sha256_digest(digest))
    if policy == "digest":
        return is_sha256_digest(digest)
    raise ValueError(f"unknown image policy {policy!r}; use one of {', '.join(POLICIES)}")


def split_version(version: str) -> tuple[str | None, str | None]:
    """A catalog version `tag`, `tag@digest` or `@digest` as (tag, digest)."""
    tag, at, digest = version.partition("@")
    return (tag or None, digest if at else None)


def version_satisfies(policy: str, version: str) -> bool:
    """Whether a catalog version string meets an `imagePolicy`."""
    return satisfies(policy, *split_version(version))

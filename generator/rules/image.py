"""`image-` rules: every container image is pinned, and meets the environment's `imagePolicy`.

They look at `containers`, `initContainers` and `ephemeralContainers` of every workload
kind (see `generator.k8s.podspec`) and report at the container's `image:` key. A container
without an `image` is left to the schema rules.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from generator.finding import Finding, Severity
from generator.k8s.imageref import ImageRef, ImageRefError, is_latest, is_semver, parse_image
from generator.k8s.podspec import Container, containers
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext

TAG_REQUIRED = Rule(
    id="image-tag-required",
    severity=Severity.ERROR,
    summary="Every container image names a tag or a digest.",
    description=(
        "An image without a tag or digest (`nginx`) runs whatever `latest` points to when "
        "the node pulls it: two nodes can run different code and a rollback restores "
        "nothing. A reference that does not parse as an image reference (upper-case "
        "repository, bad tag characters, malformed digest) is reported here too, since "
        "no tag can be read from it."
    ),
)

TAG_LATEST = Rule(
    id="image-tag-latest",
    severity=Severity.ERROR,
    summary="No container image uses the tag `latest`.",
    description=(
        "`latest` moves with every push, so what runs depends on when a node pulled it. "
        "A reference that also carries a digest (`app:latest@sha256:...`) is not reported: "
        "the runtime pulls by digest and ignores the tag, so the image is pinned."
    ),
)

POLICY_SEMVER = Rule(
    id="image-policy-semver",
    severity=Severity.ERROR,
    summary="Where `imagePolicy` is `semver`, image tags are SemVer 2.0 versions.",
    description=(
        "In force only where the environment's `imagePolicy` is `semver`: the tag must be a "
        "SemVer 2.0 version with an optional leading `v` (`1.4.2`, `v2.0.0-rc.1`), "
        "optionally followed by `@sha256:<64 lowercase hex>`. A digest-only reference has "
        "no version and fails."
    ),
)

POLICY_DIGEST = Rule(
    id="image-policy-digest",
    severity=Severity.ERROR,
    summary="Where `imagePolicy` is `digest`, images are pinned by a sha256 digest.",
    description=(
        "In force only where the environment's `imagePolicy` is `digest`: every image ends "
        "with `@sha256:<64 lowercase hex>`; the tag before it, if any, is free."
    ),
)

Check = Callable[[Container, str, ImageRef], str | None]


def _images(
    rule: Rule,
    manifests: Sequence[Manifest],
    ctx: RuleContext,
    message: Check,
    report_unparsable: bool = False,
) -> Iterator[Finding]:
    """Findings of `rule` for every image for which `message` returns text; an image that
    does not parse is skipped, or reported when `report_unparsable` (one rule does it)."""
    for container in containers(manifests):
        image = container.obj.get("image")
        if not isinstance(image, str) or not image:
            continue
        try:
            text = message(container, image, parse_image(image))
        except ImageRefError as exc:
            if not report_unparsable:
                continue
            text = (
                f"container '{container.name}' image '{image}' is not a valid image reference "
                f"({exc}); write it as [registry/]repository:tag or with @sha256:<digest>"
            )
        if text is not None:
            yield rule.finding(
                text, container.position("image"), container.resource, ctx.environment
            )


def _untagged(container: Container, image: str, ref: ImageRef) -> str | None:
    if ref.tag is not None or ref.digest is not None:
        return None
    return (
        f"container '{container.name}' image '{image}' has no tag or digest and runs "
        "whatever 'latest' is at pull time; pin a version or a digest"
    )


def _check_tag_required(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    return _images(TAG_REQUIRED, manifests, ctx, _untagged, report_unparsable=True)


def _latest(container: Container, image: str, ref: ImageRef) -> str | None:
    if not is_latest(ref.tag) or ref.digest is not None:
        return None
    return f"container '{container.name}' image '{image}' is mutable; pin a version or a digest"


def _not_semver(container: Container, image: str, ref: ImageRef) -> str | None:
    if ref.satisfies("semver"):
        return None
    if not is_semver(ref.tag):
        what = "has no tag" if ref.tag is None else f"tag '{ref.tag}' is not a SemVer version"
    else:
        what = f"digest '{ref.digest}' is not sha256:<64 lowercase hex>"
    return (
        f"container '{container.name}' image '{image}' {what} (imagePolicy semver); "
        "tag a version like 1.4.2 or v1.4.2, optionally with @sha256:<digest>"
    )


def _no_digest(container: Container, image: str, ref: ImageRef) -> str | None:
    if ref.satisfies("digest"):
        return None
    return (
        f"container '{container.name}' image '{image}' is not pinned by a sha256 digest "
        "(imagePolicy digest); append @sha256:<64 lowercase hex> of the image to deploy"
    )


def _check_latest(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    return _images(TAG_LATEST, manifests, ctx, _latest)


def _check_semver(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    return _images(POLICY_SEMVER, manifests, ctx, _not_semver)


def _check_digest(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    return _images(POLICY_DIGEST, manifests, ctx, _no_digest)


def _policy(name: str) -> Callable[[RuleContext], bool]:
    def applies(ctx: RuleContext) -> bool:
        return ctx.image_policy == name

    return applies


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(TAG_REQUIRED, _check_tag_required),
    ManifestRule(TAG_LATEST, _check_latest),
    ManifestRule(POLICY_SEMVER, _check_semver, _policy("semver")),
    ManifestRule(POLICY_DIGEST, _check_digest, _policy("digest")),
)

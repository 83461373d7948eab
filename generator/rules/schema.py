"""`schema-` rules: every object validates against the JSON Schema of its kind.

Built-in kinds are checked against the Kubernetes schemas of the context's Kubernetes
version, custom resources against the vendored CRD schemas (`schemas/crds/`), in strict
mode: unknown fields are errors, as with `kubectl apply --validate=strict`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import suppress

from generator.finding import Finding, Severity
from generator.k8s.display import show
from generator.k8s.schema import FAST_AFTER, SchemaRegistry, UnknownKind, default_registry
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext

# Problems reported per object; a broken object (a wrong indentation) can have hundreds.
MAX_PROBLEMS_PER_OBJECT = 20

MISSING_TYPE = Rule(
    id="schema-missing-type",
    severity=Severity.ERROR,
    summary="every document is a Kubernetes object with a string apiVersion and kind",
    description="A YAML document that is not a mapping, or that lacks `apiVersion` or `kind`, "
    "cannot be applied: the API server does not know what it is.",
)

UNKNOWN_KIND = Rule(
    id="schema-unknown-kind",
    severity=Severity.ERROR,
    summary="the apiVersion/kind exists in the target Kubernetes version or a vendored CRD",
    description="An object whose apiVersion and kind are neither served by the target "
    "Kubernetes version nor defined by a CRD schema in `schemas/crds/` cannot be validated "
    "and is likely to be rejected (an API removed in that version, a typo in the kind).",
)

INVALID = Rule(
    id="schema-invalid",
    severity=Severity.ERROR,
    summary="the object validates against the schema of its kind (strict: no unknown fields)",
    description="Each problem is reported at the deepest node of its path that exists in the "
    f"file; at most {MAX_PROBLEMS_PER_OBJECT} problems per object are listed.",
)


def _typed(manifest: Manifest) -> bool:
    obj = manifest.obj
    return isinstance(obj.get("apiVersion"), str) and isinstance(obj.get("kind"), str)


def check_missing_type(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if not manifest.obj:
            yield MISSING_TYPE.finding(
                "document is not a Kubernetes object (a mapping with apiVersion and kind); "
                "complete it or remove it",
                manifest.position(),
            )
            continue
        missing = [key for key in ("apiVersion", "kind") if key not in manifest.obj]
        if missing:
            yield MISSING_TYPE.finding(
                f"object has no {' and no '.join(missing)}; "
                f"add {'it' if len(missing) == 1 else 'them'} "
                "(e.g. apiVersion: apps/v1 and kind: Deployment)",
                manifest.position(),
                manifest.resource,
            )
        for key in ("apiVersion", "kind"):
            value = manifest.obj.get(key, "")
            if not isinstance(value, str):
                yield MISSING_TYPE.finding(
                    f"{key} {show(value)} is not a string; write the {key} as text",
                    manifest.position(key),
                    manifest.resource,
                )


def check_unknown_kind(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    registry = default_registry()
    for manifest in manifests:
        if not _typed(manifest):
            continue  # schema-missing-type
        try:
            registry.knows(manifest.api_version, manifest.kind, ctx.kubernetes_version)
        except UnknownKind:
            yield UNKNOWN_KIND.finding(
                f"no schema for apiVersion {manifest.api_version!r} kind {manifest.kind!r} in "
                f"Kubernetes {ctx.kubernetes_version} nor among the vendored CRDs; use an "
                "apiVersion this Kubernetes version serves, fix the kind's spelling, or vendor "
                "the CRD's schema (scripts/vendor_crds.py)",
                manifest.position("apiVersion"),
                manifest.resource,
            )


def _compile_frequent(
    registry: SchemaRegistry, manifests: Sequence[Manifest], ctx: RuleContext
) -> None:
    """Compile the pre-check of every kind this batch holds at least FAST_AFTER objects of
    before checking the first: they would earn it anyway, after that many slow checks."""
    kinds = Counter((m.api_version, m.kind) for m in manifests if _typed(m))
    for (api_version, kind), count in sorted(kinds.items()):
        if count >= FAST_AFTER:
            with suppress(UnknownKind):
                registry.precheck(api_version, kind, ctx.kubernetes_version, strict=True)


def check_invalid(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    registry = default_registry()
    _compile_frequent(registry, manifests, ctx)
    for manifest in manifests:
        if not _typed(manifest):
            continue
        try:
            problems = registry.problems(manifest.obj, ctx.kubernetes_version, strict=True)
        except UnknownKind:
            continue  # schema-unknown-kind
        for problem in problems[:MAX_PROBLEMS_PER_OBJECT]:
            yield INVALID.finding(
                f"{manifest.kind} {problem.message}",
                manifest.position(*problem.path),
                manifest.resource,
            )
        if len(problems) > MAX_PROBLEMS_PER_OBJECT:
            hidden = len(problems) - MAX_PROBLEMS_PER_OBJECT
            yield INVALID.finding(
                f"{manifest.kind} has {hidden} more schema problem(s) not listed "
                f"(at most {MAX_PROBLEMS_PER_OBJECT} per object); fix the listed ones first",
                manifest.position("kind"),
                manifest.resource,
            )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(MISSING_TYPE, check_missing_type),
    ManifestRule(UNKNOWN_KIND, check_unknown_kind),
    ManifestRule(INVALID, check_invalid),
)

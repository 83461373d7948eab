"""`api-` rules: apiVersions the target Kubernetes version deprecates or no longer serves.

The data is Pluto's `versions.yaml`, vendored verbatim as `generator/data/pluto-versions.yaml`
(provenance in its first line). Only its `component: k8s` entries are used: the
cert-manager and istio entries are versioned by those projects' releases, which cannot
be compared with the cluster's Kubernetes version.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from generator.errors import UsageError
from generator.finding import Finding, Severity
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext
from generator.yamlevents import SAFE_LOADER

Version = tuple[int, int, int]

DATA_FILE = "pluto-versions.yaml"

REMOVED = Rule(
    id="api-removed",
    severity=Severity.ERROR,
    summary="No object uses an apiVersion the target Kubernetes version no longer serves.",
    description=(
        "The API server of the target version (`--kubernetes-version`, or the cluster's "
        "version in the catalog) rejects an apiVersion removed in that version or before, "
        "so the sync fails. The finding names the replacement API. Data: FairwindsOps "
        "Pluto's `versions.yaml` (Kubernetes entries)."
    ),
)

DEPRECATED = Rule(
    id="api-deprecated",
    severity=Severity.WARNING,
    summary="No object uses an apiVersion the target Kubernetes version deprecates.",
    description=(
        "An apiVersion deprecated in the target version or before, but still served, works "
        "today and breaks on the upgrade that removes it; move to the replacement API now. "
        "Data: FairwindsOps Pluto's `versions.yaml` (Kubernetes entries)."
    ),
)

_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.(\d+))?")


def parse_kubernetes_version(text: str) -> Version:
    """`v1.16.0`, `1.31` or `1.31.2` as (major, minor, patch); ValueError otherwise."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"Kubernetes version {text!r} is not [v]MAJOR.MINOR[.PATCH]")
    major, minor, patch = match.groups()
    return (int(major), int(minor), int(patch or 0))


def format_version(version: Version) -> str:
    major, minor, patch = version
    return f"{major}.{minor}.{patch}" if patch else f"{major}.{minor}"


@dataclass(frozen=True)
class Deprecation:
    """One Pluto entry: when `api_version` `kind` was deprecated and removed, and its successor."""

    api_version: str
    kind: str
    deprecated_in: Version | None
    removed_in: Version | None
    replacement: str | None
    replacement_available_in: Version | None


def _version_or_none(value: Any) -> Version | None:
    return parse_kubernetes_version(value) if isinstance(value, str) and value else None


@cache
def deprecations() -> Mapping[tuple[str, str], Deprecation]:
    """The vendored Kubernetes deprecations by (apiVersion, kind); read once."""
    text = files("generator").joinpath("data", DATA_FILE).read_text(encoding="utf-8")
    table: dict[tuple[str, str], Deprecation] = {}
    for entry in yaml.load(text, Loader=SAFE_LOADER)["deprecated-versions"]:
        if entry.get("component") != "k8s":
            continue
        item = Deprecation(
            api_version=entry["version"],
            kind=entry["kind"],
            deprecated_in=_version_or_none(entry.get("deprecated-in")),
            removed_in=_version_or_none(entry.get("removed-in")),
            replacement=entry.get("replacement-api") or None,
            replacement_available_in=_version_or_none(entry.get("replacement-available-in")),
        )
        table[(item.api_version, item.kind)] = item
    return table


def _target(ctx: RuleContext) -> Version:
    try:
        return parse_kubernetes_version(ctx.kubernetes_version)
    except ValueError as exc:
        raise UsageError(f"{exc}; give it as e.g. 1.31") from None


def _remedy(item: Deprecation, target: Version) -> str:
    if item.replacement is None:
        return "it has no replacement API; remove the object or migrate to what supersedes it"
    available = item.replacement_available_in
    if available is not None and available > target:
        return f"use {item.replacement} (served from Kubernetes {format_version(available)})"
    return f"use {item.replacement}"


def _matches(manifests: Sequence[Manifest]) -> Iterator[tuple[Manifest, Deprecation]]:
    table = deprecations()
    for manifest in manifests:
        item = table.get((manifest.api_version, manifest.kind))
        if item is not None:
            yield manifest, item


def _check_removed(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    target = _target(ctx)
    for manifest, item in _matches(manifests):
        if item.removed_in is None or item.removed_in > target:
            continue
        yield REMOVED.finding(
            f"{item.kind} {item.api_version} was removed in Kubernetes "
            f"{format_version(item.removed_in)} (target {format_version(target)}); "
            f"{_remedy(item, target)}",
            manifest.position("apiVersion"),
            manifest.resource,
            ctx.environment,
        )


def _check_deprecated(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    target = _target(ctx)
    for manifest, item in _matches(manifests):
        if item.deprecated_in is None or item.deprecated_in > target:
            continue
        if item.removed_in is not None and item.removed_in <= target:
            continue  # api-removed reports it
        removal = (
            f" and removed in {format_version(item.removed_in)}"
            if item.removed_in is not None
            else ""
        )
        yield DEPRECATED.finding(
            f"{item.kind} {item.api_version} is deprecated since Kubernetes "
            f"{format_version(item.deprecated_in)}{removal} (target {format_version(target)}); "
            f"{_remedy(item, target)}",
            manifest.position("apiVersion"),
            manifest.resource,
            ctx.environment,
        )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(REMOVED, _check_removed),
    ManifestRule(DEPRECATED, _check_deprecated),
)

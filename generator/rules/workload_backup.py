"""`workload-volume-backup`: persistent volumes that no Velero Schedule saves, in an
environment that backs up its volumes."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.workloads import (
    mapping,
    namespace_of,
    pod_labels,
    pod_spec_path,
    resource_of,
    selector_matches,
)
from generator.manifest import Manifest, NodePath, get
from generator.rule import ManifestRule, Rule, RuleContext

VOLUME_BACKUP_RULE = Rule(
    id="workload-volume-backup",
    severity=Severity.WARNING,
    summary="In an environment with backups, every persistent volume is in a Velero Schedule.",
    description=(
        "Where the catalog gives an environment `backups`, the generator writes a Velero "
        "Schedule for each app with a `backup`; a PersistentVolumeClaim (or a StatefulSet's "
        "volume claim template) that no Schedule of the set selects would be lost with its "
        "volume. A claim counts as saved when a Schedule that is not paused includes its "
        "namespace (`includedNamespaces`, empty or `*` for all, minus `excludedNamespaces`) "
        "and its `labelSelector` (or one of its `orLabelSelectors`; neither: everything) "
        "selects a pod that mounts the claim, or, where the Schedule snapshots volumes, the "
        "claim itself (a claim from a template carries the template's labels and the "
        "StatefulSet's selector). A warning: give the app a `backup`, or suppress the rule "
        "with the reason when the data can be rebuilt (a cache). In force only in an "
        "environment with `backups`."
    ),
)


@dataclass(frozen=True)
class Claim:
    what: str  # how the message names it
    manifest: Manifest
    at: NodePath
    namespace: str
    labels: tuple[Mapping[str, Any], ...]  # the claim's own labels
    pods: tuple[Mapping[str, Any], ...]  # the labels of the pods that mount it


def _mounts(manifest: Manifest) -> set[str]:
    """The claims the manifest's pods mount, by name."""
    path = pod_spec_path(manifest)
    volumes = get(manifest.obj, *path, "volumes") if path else None
    return {
        name
        for volume in (volumes if isinstance(volumes, list) else [])
        if isinstance(name := get(volume, "persistentVolumeClaim", "claimName"), str)
    }


def _claims(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Claim]:
    mounted: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for manifest in manifests:
        for name in _mounts(manifest):
            key = (namespace_of(manifest, ctx.namespace), name)
            mounted.setdefault(key, []).append(pod_labels(manifest))
    for manifest in manifests:
        namespace = namespace_of(manifest, ctx.namespace)
        if manifest.kind == "PersistentVolumeClaim" and manifest.api_version == "v1":
            labels = mapping(get(manifest.obj, "metadata", "labels"))
            pods = tuple(mounted.get((namespace, manifest.name), []))
            what = manifest.label(quoted=True)
            yield Claim(what, manifest, ("metadata", "name"), namespace, (labels,), pods)
        if manifest.kind != "StatefulSet":
            continue
        templates = get(manifest.obj, "spec", "volumeClaimTemplates")
        chosen = mapping(get(manifest.obj, "spec", "selector", "matchLabels"))
        for i, template in enumerate(templates if isinstance(templates, list) else []):
            name = get(template, "metadata", "name")
            labels = {**mapping(get(template, "metadata", "labels")), **chosen}
            yield Claim(
                f"volume claim template '{name}' of {manifest.label()}",
                manifest,
                ("spec", "volumeClaimTemplates", i),
                namespace,
                (labels,),
                (pod_labels(manifest),),
            )


def _templates(manifests: Sequence[Manifest]) -> list[Mapping[str, Any]]:
    """The backup templates of the Schedules that run."""
    return [
        mapping(get(m.obj, "spec", "template"))
        for m in manifests
        if m.kind == "Schedule"
        and m.api_version.startswith("velero.io/")
        and get(m.obj, "spec", "paused") is not True
    ]


def _selects(template: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    alternatives = template.get("orLabelSelectors")
    if isinstance(alternatives, list) and alternatives:
        return any(selector_matches(s, labels) for s in alternatives)
    return selector_matches(template.get("labelSelector"), labels)


def _saves(template: Mapping[str, Any], claim: Claim) -> bool:
    included = template.get("includedNamespaces")
    names = included if isinstance(included, list) and included else ["*"]
    excluded = template.get("excludedNamespaces")
    if claim.namespace not in names and "*" not in names:
        return False
    if isinstance(excluded, list) and claim.namespace in excluded:
        return False
    if any(_selects(template, labels) for labels in claim.pods):
        return True
    snapshots = template.get("snapshotVolumes") is not False
    return snapshots and any(_selects(template, labels) for labels in claim.labels)


def check_volume_backup(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    templates = _templates(manifests)
    for claim in _claims(manifests, ctx):
        if any(_saves(t, claim) for t in templates):
            continue
        yield VOLUME_BACKUP_RULE.finding(
            f"{claim.what} is in no Velero Schedule, though the environment backs up its "
            "volumes (`backups`); give the app a `backup` in the catalog, or suppress "
            "workload-volume-backup with the reason its data can be lost",
            claim.manifest.position(*claim.at),
            resource_of(claim.manifest, ctx.namespace),
            ctx.environment,
        )


VOLUME_BACKUP = ManifestRule(VOLUME_BACKUP_RULE, check_volume_backup, lambda ctx: ctx.backups)

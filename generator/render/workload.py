"""The workload of an app (Deployment, StatefulSet, DaemonSet, CronJob or Job) for one set of
resolved values: restricted-Pod-Security-compliant unless the catalog relaxes it."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import CRONJOB_FIELDS, App, Workload
from generator.render.labels import app_labels, config_map_name, metadata, secret_name, selector
from generator.render.pod import (
    containers,
    has_config,
    init_containers,
    pod_security,
    pod_volumes,
)

__all__ = ["config_map_name", "has_config", "secret_name"]

HOOK_DELETE_POLICY = "BeforeHookCreation"
# A Job's pod template is immutable: a plain Job (not a hook) is replaced when it changes.
JOB_SYNC_OPTIONS = "Force=true,Replace=true"


def claim_name(app: App, volume: str) -> str:
    return f"{app.name}-{volume}"


def _spread(app: App, values: Workload) -> list[dict[str, Any]] | None:
    """Over nodes and zones for a replicated app that names no spread of its own."""
    if app.kind not in ("Deployment", "StatefulSet") or "topologySpreadConstraints" in (
        values.scheduling
    ):
        return None
    most = values.autoscaling.max_replicas if values.autoscaling else values.replicas
    if most <= 1:
        return None
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": "ScheduleAnyway",
            "labelSelector": {"matchLabels": selector(app)},
        }
        for key in (c.HOSTNAME_LABEL, c.ZONE_LABEL)
    ]


def pod_template(app: App, values: Workload) -> dict[str, Any]:
    labels = {**values.pod_labels, **app_labels(app)}
    meta: dict[str, Any] = {"labels": labels}
    if values.annotations.get("pod"):
        meta["annotations"] = dict(values.annotations["pod"])
    spec: dict[str, Any] = {
        "serviceAccountName": app.name,
        "automountServiceAccountToken": False,
        "securityContext": pod_security(values.security),
    }
    if app.batch:
        spec["restartPolicy"] = "OnFailure"
    if values.termination_grace is not None:
        spec["terminationGracePeriodSeconds"] = values.termination_grace
    for key, value in values.scheduling.items():
        spec[key] = value
    spread = _spread(app, values)
    if spread:
        spec["topologySpreadConstraints"] = spread
    init = init_containers(app, values)
    running = containers(app, values)
    if app.batch:
        # A Job completes when its containers exit: sidecars run beside it as native sidecars
        # (init containers that keep running), which the kubelet stops when the job is done.
        init += [{**sidecar, "restartPolicy": "Always"} for sidecar in running[1:]]
        running = running[:1]
    if init:
        spec["initContainers"] = init
    spec["containers"] = running
    volumes = pod_volumes(app, values, claim_name)
    if volumes:
        spec["volumes"] = volumes
    return {"metadata": meta, "spec": spec}


def _claim_templates(app: App, values: Workload) -> list[dict[str, Any]]:
    return [
        {
            "metadata": {"name": v.name, "labels": app_labels(app)},
            "spec": claim_spec(v.access_modes, v.size, v.storage_class),
        }
        for v in values.volumes
        if v.kind == "persistent"
    ]


def claim_spec(access_modes: tuple[str, ...], size: str | None, storage_class: str | None) -> Any:
    spec: dict[str, Any] = {"accessModes": list(access_modes)}
    if storage_class:
        spec["storageClassName"] = storage_class
    spec["resources"] = {"requests": {"storage": size}}
    return spec


def _job_spec(values: Workload, template: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in values.job.items() if k not in CRONJOB_FIELDS or k == "suspend"}
    return {**spec, "template": template}


def hook_annotations(app: App) -> dict[str, str] | None:
    """A hook Job's objects are all hooks of its phase, so its ServiceAccount, settings and
    secrets exist when its pod starts."""
    if app.kind != "Job" or not app.hook:
        return None
    return {c.HOOK: app.hook, c.HOOK_DELETE_POLICY: HOOK_DELETE_POLICY}


def _job_annotations(app: App) -> dict[str, str] | None:
    if app.kind != "Job":
        return None
    return hook_annotations(app) or {c.SYNC_OPTIONS: JOB_SYNC_OPTIONS}


def workload(app: App, values: Workload) -> dict[str, Any]:
    meta = metadata(app.name, app_labels(app))
    annotations = _job_annotations(app)
    if annotations:
        meta["annotations"] = annotations
    template = pod_template(app, values)
    if app.kind == "CronJob":
        cron = {k: v for k, v in values.job.items() if k in CRONJOB_FIELDS}
        job = {k: v for k, v in values.job.items() if k not in CRONJOB_FIELDS}
        spec: dict[str, Any] = {
            "schedule": values.schedule,
            **cron,
            "jobTemplate": {"spec": {**job, "template": template}},
        }
        api = "batch/v1"
    elif app.kind == "Job":
        spec, api = _job_spec(values, template), "batch/v1"
    else:
        spec = {"selector": {"matchLabels": selector(app)}}
        if app.kind == "StatefulSet":
            spec["serviceName"] = app.name
        if app.kind == "Deployment" and any(v.kind == "persistent" for v in values.volumes):
            # A claim attaches to one node: the old pod lets go before the new one starts.
            spec["strategy"] = {"type": "Recreate"}
        spec["template"] = template
        if app.kind == "StatefulSet":
            claims = _claim_templates(app, values)
            if claims:
                spec["volumeClaimTemplates"] = claims
        api = "apps/v1"
    return {"apiVersion": api, "kind": app.kind, "metadata": meta, "spec": spec}


def persistent_claims(app: App, values: Workload) -> list[dict[str, Any]]:
    """The PersistentVolumeClaims of a workload that is not a StatefulSet."""
    if app.kind == "StatefulSet":
        return []
    return [
        {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": metadata(claim_name(app, v.name), app_labels(app)),
            "spec": claim_spec(v.access_modes, v.size, v.storage_class),
        }
        for v in values.volumes
        if v.kind == "persistent"
    ]

"""Velero Schedules: the persistent volumes of each app with a `backup`, in every
environment with `backups`. They live in Velero's namespace and sync with the environment's
guardrails (overlays/<env>/_namespace)."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog import names
from generator.catalog.model import App, Catalog, Environment
from generator.render.labels import app_labels, metadata, selector

VELERO_API = "velero.io/v1"
# How each `backups.volumes` saves volume data: Velero's Backup fields.
VOLUME_MODES: dict[str, dict[str, bool]] = {
    # The volume provider's (or CSI) snapshots, kept where the provider keeps them.
    "snapshot": {"snapshotVolumes": True, "defaultVolumesToFsBackup": False},
    # CSI snapshots whose data Velero's data mover copies into the storage location.
    "snapshotMoveData": {
        "snapshotVolumes": True,
        "snapshotMoveData": True,
        "defaultVolumesToFsBackup": False,
    },
    # Velero's file-system backup (its node agent) of the pods' volumes, into the location.
    "fsBackup": {"snapshotVolumes": False, "defaultVolumesToFsBackup": True},
}


def backed_up(app: App, env: Environment) -> bool:
    """Whether the app gets a Schedule in `env`: it runs there with a persistent volume and
    a `backup`, and the environment has `backups`."""
    deployment = app.deployment(env.name)
    return (
        env.backup_location is not None
        and app.backup is not None
        and deployment.enabled
        and any(v.kind == "persistent" for v in deployment.values.volumes)
    )


def schedule(app: App, env: Environment) -> dict[str, Any]:
    assert app.backup is not None and env.backup_namespace and env.backup_volumes
    template: dict[str, Any] = {
        "includedNamespaces": [env.namespace],
        "labelSelector": {"matchLabels": selector(app)},
        "storageLocation": env.backup_location,
    }
    if app.backup.ttl is not None:
        template["ttl"] = app.backup.ttl
    template.update(VOLUME_MODES[env.backup_volumes])
    labels = {**app_labels(app), c.LABEL_ENVIRONMENT: env.name}
    # Named like the app's Application: unique in the catalog (catalog-name-collision).
    name = names.application_name(env.name, app.name)
    return {
        "apiVersion": VELERO_API,
        "kind": "Schedule",
        "metadata": metadata(name, labels, env.backup_namespace),
        "spec": {
            "schedule": app.backup.schedule,
            # Backups outlive their Schedule: pruning it (or the Application) deletes none.
            "useOwnerReferencesInBackup": False,
            "template": template,
        },
    }


def schedules(env: Environment, catalog: Catalog) -> list[dict[str, Any]]:
    return [schedule(app, env) for app in catalog.apps if backed_up(app, env)]

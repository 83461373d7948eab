"""Labels and metadata every rendered object carries."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import App


def selector(app: App) -> dict[str, str]:
    """The labels of the app's pods. A chart's pods carry Helm's standard instance label, the
    release name (the app's name), whatever the chart calls itself."""
    if app.chart is not None:
        return {c.LABEL_INSTANCE: app.name}
    return {c.LABEL_NAME: app.name}


def app_labels(app: App) -> dict[str, str]:
    return {c.LABEL_NAME: app.name, c.LABEL_MANAGED_BY: c.MANAGED_BY, c.LABEL_TEAM: app.team}


def metadata(name: str, labels: dict[str, str], namespace: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name}
    if namespace:
        meta["namespace"] = namespace
    meta["labels"] = labels
    return meta


def platform_labels(environment: str) -> dict[str, str]:
    return {c.LABEL_MANAGED_BY: c.MANAGED_BY, c.LABEL_ENVIRONMENT: environment}


def config_map_name(app: App) -> str:
    return f"{app.name}-config"


def secret_name(app: App) -> str:
    return f"{app.name}-secrets"

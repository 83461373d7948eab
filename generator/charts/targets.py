"""What `validate` renders with Helm: each chart app in each environment it runs in, and each
cluster add-on, with the release, namespace, Kubernetes version and values Argo CD gives
`helm template` for its Application, and the catalog entry findings on the output point at.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from generator.catalog.model import Addon, App, Catalog, Chart, Cluster, Environment
from generator.finding import Position
from generator.manifest import NodePath
from generator.paths import schemas_dir

CRD_INDEX = "crds/_index.json"


@dataclass(frozen=True)
class ChartTarget:
    """One render: a chart app in an environment (`environment` set) or an add-on."""

    name: str  # the app's or the add-on's
    environment: str | None  # None for an add-on
    cluster: str
    chart: Chart
    version: str
    values: Mapping[str, Any]  # the Application's helm.valuesObject
    value_files: tuple[str, ...]  # in this repository, in order
    release: str
    namespace: str
    kube_version: str
    entry: Position  # where findings on the output point
    layers: tuple[str, ...]  # the catalog keys that gave `values`, lowest first
    version_entry: Position  # where the chart version is set
    files_entry: Position  # where `valueFiles` is set (else `entry`)

    @property
    def addon(self) -> bool:
        return self.environment is None

    @property
    def folder(self) -> str:
        """A name for this render among the built folders (never a path on disk)."""
        where = self.environment if self.environment is not None else f"cluster {self.cluster}"
        return f"helm:{self.name}@{where}"

    def values_chain(self) -> str:
        """The values Helm is given, lowest precedence first."""
        return " < ".join(["chart defaults", *self.value_files, *self.layers])

    def describe(self) -> str:
        """Where the output comes from: the chart and its values."""
        return f"chart {self.chart.name} {self.version} with values {self.values_chain()}"


def release_name(name: str) -> str:
    """The Helm release name of an app's or an add-on's Application: its name."""
    return name


def _first(catalog: Catalog, keys: list[NodePath]) -> Position:
    for key in keys:
        found = catalog.positions.get(key)
        if found is not None:
            return Position(catalog.path, *found)
    return Position(catalog.path)


def _written(catalog: Catalog, keys: list[NodePath]) -> tuple[str, ...]:
    return tuple(".".join(str(k) for k in key) for key in keys if key in catalog.positions)


def app_targets(catalog: Catalog, app: App, env: Environment) -> ChartTarget | None:
    """The render of a chart app in `env`; None for an image app or where it does not run."""
    deployment = app.deployment(env.name)
    if app.chart is None or not deployment.enabled:
        return None
    own: NodePath = ("apps", app.name)
    here: NodePath = (*own, "environments", env.name)
    values = [("defaults", "values"), (*own, "values"), (*here, "values")]
    entry = _first(
        catalog,
        [
            (*here, "values"),
            (*here, "valueFiles"),
            (*own, "values"),
            (*own, "valueFiles"),
            (*own, "chart"),
            own,
        ],
    )
    return ChartTarget(
        name=app.name,
        environment=env.name,
        cluster=env.cluster,
        chart=app.chart,
        version=deployment.version,
        values=deployment.values.helm_values,
        value_files=deployment.values.value_files,
        release=release_name(app.name),
        namespace=env.namespace,
        kube_version=catalog.cluster(env.cluster).kubernetes_version,
        entry=entry,
        layers=_written(catalog, values),
        version_entry=_first(catalog, [(*here, "version"), here]),
        files_entry=_first(catalog, [(*here, "valueFiles"), (*own, "valueFiles"), (*here,)]),
    )


def addon_target(catalog: Catalog, cluster: Cluster, addon: Addon) -> ChartTarget:
    own: NodePath = ("clusters", cluster.name, "addons", addon.name)
    return ChartTarget(
        name=addon.name,
        environment=None,
        cluster=cluster.name,
        chart=addon.chart,
        version=addon.version,
        values=addon.values,
        value_files=addon.value_files,
        release=release_name(addon.name),
        namespace=addon.namespace,
        kube_version=cluster.kubernetes_version,
        entry=_first(catalog, [(*own, "values"), (*own, "valueFiles"), (*own, "chart"), own]),
        layers=_written(catalog, [(*own, "values")]),
        version_entry=_first(catalog, [(*own, "version"), own]),
        files_entry=_first(catalog, [(*own, "valueFiles"), own]),
    )


def chart_targets(catalog: Catalog) -> list[ChartTarget]:
    """Every render: the chart apps per environment (promotion order, apps by name), then
    the add-ons per cluster (clusters and add-ons by name)."""
    found = [
        target
        for env in catalog.environments
        for app in catalog.apps
        if (target := app_targets(catalog, app, env)) is not None
    ]
    return found + [
        addon_target(catalog, cluster, addon)
        for cluster in catalog.clusters
        for addon in cluster.addons
    ]


@cache
def api_versions() -> tuple[str, ...]:
    """The custom API versions a cluster of this tree serves (what `.Capabilities.APIVersions`
    answers beyond Kubernetes' own): those of the vendored CRD schemas, as `group/version`
    and `group/version/Kind`."""
    index: Mapping[str, Mapping[str, str]] = json.loads(
        schemas_dir().joinpath(CRD_INDEX).read_text(encoding="utf-8")
    )
    found = {api for api in index} | {f"{api}/{kind}" for api in index for kind in index[api]}
    return tuple(sorted(found))

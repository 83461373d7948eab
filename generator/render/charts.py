"""The Argo CD sources of a Helm chart (a chart app in one environment, or an add-on).

A chart from a Helm repository is `{repoURL, chart, targetRevision}`; one from an OCI
registry is Argo CD's OCI source (v3.1 and later): `repoURL: oci://<registry>/<path>/<chart>`
and `path: .`, which needs no repository secret for a public registry. Value files are read
from this repository through a second source with `ref: values` (`$values/<path>`), at the
catalog's revision; `helm.valuesObject` carries the catalog's `values`, which Argo CD
applies over the value files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generator.catalog.build import canonical
from generator.catalog.model import Catalog, Chart

VALUES_REF = "values"


def chart_repository(chart: Chart) -> str:
    """The repoURL Argo CD pulls the chart from, as the AppProject's sourceRepos must allow it."""
    return f"{chart.repo_url}/{chart.name}" if chart.oci else chart.repo_url


def helm_source(
    chart: Chart,
    version: str,
    release: str,
    values: Mapping[str, Any],
    value_files: Sequence[str],
) -> dict[str, Any]:
    source: dict[str, Any] = {"repoURL": chart_repository(chart)}
    if chart.oci:
        source["path"] = "."
    else:
        source["chart"] = chart.name
    source["targetRevision"] = version
    helm: dict[str, Any] = {"releaseName": release}
    if value_files:
        helm["valueFiles"] = [f"${VALUES_REF}/{path.strip('/')}" for path in value_files]
    if values:
        helm["valuesObject"] = canonical(dict(values))
    source["helm"] = helm
    return source


def chart_sources(
    chart: Chart,
    version: str,
    release: str,
    values: Mapping[str, Any],
    value_files: Sequence[str],
    catalog: Catalog,
) -> list[dict[str, Any]]:
    """The Application's `sources`: the chart, then this repository for its value files."""
    sources = [helm_source(chart, version, release, values, value_files)]
    if value_files:
        sources.append(
            {
                "repoURL": catalog.repository_url,
                "targetRevision": catalog.repository_revision,
                "ref": VALUES_REF,
            }
        )
    return sources

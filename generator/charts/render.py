"""A chart rendered with real Helm, cached under the digest of what it was rendered from (the
chart's bytes, the values, the release, namespace, Kubernetes and API versions, the Helm
SDK and gitopsgen itself), and read back as manifests.

Objects a chart leaves without a namespace are given the release's, as Argo CD applies them
to the Application's destination namespace (cluster-scoped kinds keep none).
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from generator import helm
from generator.builds import keys
from generator.builds.cache import Cache
from generator.charts.archive import ChartFiles
from generator.k8s.kinds import CLUSTER_SCOPED_KINDS
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest
from generator.manifest_yaml import load_manifests

RENDER = "helm-render"
SDK = "helm-python-sdk"


@dataclass(frozen=True)
class Rendered:
    manifests: tuple[Manifest, ...]
    templates: tuple[str, ...]  # the template that rendered each manifest
    sources: Mapping[str, str]  # template -> its text in the chart (where Helm gives it)
    key: str  # what the render was computed from


def _json(value: Any) -> Any:
    """YAML dates and times as the strings Helm reads them as."""
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a value Helm takes")


def values_json(values: Mapping[str, Any]) -> str:
    return json.dumps(values, sort_keys=True, default=_json)


def render_key(files: ChartFiles, values: Mapping[str, Any], request: helm.RenderRequest) -> str:
    sdk = keys.library_version(SDK)
    digest = keys.Digest(RENDER).add(keys.tool()).add(sdk).add(files.digest)
    digest.add(values_json(values)).add(request.release).add(request.namespace)
    digest.add(request.kube_version).add("\0".join(request.api_versions))
    return digest.hexdigest()


def _output(
    files: ChartFiles, values: Mapping[str, Any], request: helm.RenderRequest, cache: Cache | None
) -> tuple[helm.Output, str]:
    key = render_key(files, values, request)
    hit = cache.get(RENDER, key) if cache is not None else None
    if hit is not None:
        try:
            found = json.loads(hit)
            return helm.Output(dict(found["manifests"]), dict(found["sources"])), key
        except (ValueError, KeyError, TypeError):
            pass  # an entry of another shape: render again
    output = helm.render(files.source, json.loads(values_json(values)), request)
    if cache is not None:
        entry = {"manifests": output.manifests, "sources": output.sources}
        cache.put(RENDER, key, json.dumps(entry, sort_keys=True))
    return output, key


def render_chart(
    files: ChartFiles,
    values: Mapping[str, Any],
    request: helm.RenderRequest,
    shown: str,
    cache: Cache | None = None,
    limits: Limits = MANIFESTS,
    place: bool = True,
) -> Rendered:
    """The chart's objects, each with the path `shown` (positions are those of the rendered
    template it came from); with `place`, those without a namespace get the release's.
    Raises helm.HelmError when Helm fails, an InputError when the output is not YAML within
    `limits`."""
    output, key = _output(files, values, request, cache)
    manifests: list[Manifest] = []
    names: list[str] = []
    for name, text in sorted(output.manifests.items()):
        for manifest in load_manifests(text, name, limits):
            moved = replace(manifest, path=shown)
            manifests.append(_placed(moved, request.namespace) if place else moved)
            names.append(name)
    return Rendered(tuple(manifests), tuple(names), output.sources, key)


def _placed(manifest: Manifest, namespace: str) -> Manifest:
    meta = manifest.obj.get("metadata")
    if (
        not manifest.kind
        or manifest.kind in CLUSTER_SCOPED_KINDS
        or not isinstance(meta, Mapping)
        or meta.get("namespace")
    ):
        return manifest
    obj = {**manifest.obj, "metadata": {**meta, "namespace": namespace}}
    return Manifest(manifest.path, obj, manifest.positions, manifest.document)

"""Helm charts given to `lint`: a chart folder (it holds Chart.yaml) or a chart archive
(`.tgz`), rendered with real Helm (the `--values` files in order, the namespace, the
Kubernetes version) and linted as the objects they render to. Each object is named after
its template (`<folder>/templates/x.yaml`, `<archive>/<chart>/templates/x.yaml`), each node
at the line of its template that writes it, as near as the template's text tells
(generator.charts.sources)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from generator import helm
from generator.charts.archive import CHART_FILE, ChartFiles, read_archive, read_folder
from generator.charts.render import render_chart
from generator.charts.sources import template_position
from generator.charts.targets import api_versions
from generator.charts.values import combined, parse_values
from generator.errors import GitopsgenError, InputError
from generator.finding import Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest, NodePath
from generator.textfile import read_text

ARCHIVE_SUFFIX = ".tgz"
DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class ChartOptions:
    values: tuple[Path, ...] = ()  # --values files, lowest precedence first
    # The release namespace, given to the objects that name none; None renders for Helm's
    # `default` and leaves them without one, as `helm template` prints them.
    namespace: str | None = None


def is_chart(path: Path) -> bool:
    """A chart folder (with Chart.yaml) or a chart archive (`.tgz`)."""
    if path.is_dir():
        return (path / CHART_FILE).is_file()
    return path.name.endswith(ARCHIVE_SUFFIX)


def read_values(
    paths: Sequence[Path], limits: Limits = MANIFESTS
) -> tuple[dict[str, Any], list[InputError]]:
    """The `--values` files merged as Helm merges them, and an InputError for each that
    cannot be used."""
    files, errors = [], []
    for path in paths:
        shown = path.as_posix()
        try:
            text = read_text(path, shown, "check the path", limits)
            files.append(parse_values(text, shown, limits))
        except InputError as exc:
            errors.append(exc)
    return combined(files, {}), errors


def chart_manifests(
    path: Path,
    values: Mapping[str, Any],
    options: ChartOptions,
    kube_version: str,
    limits: Limits = MANIFESTS,
) -> list[Manifest]:
    """The objects the chart at `path` renders to (an InputError where it cannot be read or
    rendered)."""
    shown = path.as_posix()
    files = read_folder(path) if path.is_dir() else read_archive(path)
    if files is None:
        what = "a chart folder" if path.is_dir() else "a chart archive"
        raise InputError(
            f"{shown} is not {what} Helm can read (a Chart.yaml with name and version"
            f"{'' if path.is_dir() else ' inside a gzipped tar'}); check the path",
            Position(shown),
        )
    namespace = options.namespace or DEFAULT_NAMESPACE
    request = helm.RenderRequest(files.name, namespace, kube_version, api_versions())
    try:
        rendered = render_chart(
            files, values, request, shown, None, limits, options.namespace is not None
        )
    except GitopsgenError as exc:
        raise InputError(
            f"Helm cannot render {shown} ({files.name} {files.version}): {exc.message}",
            Position(shown),
        ) from None
    return [
        _in_template(m, name, rendered.sources.get(name), _shown(path, files, name))
        for m, name in zip(rendered.manifests, rendered.templates, strict=True)
    ]


def _shown(path: Path, files: ChartFiles, template: str) -> str:
    """A folder's template as a file under it; an archive's as the member path after it."""
    if path.is_dir():
        inside = template.split("/", 1)[1] if template.startswith(files.name + "/") else template
        return f"{path.as_posix()}/{inside}"
    return f"{path.as_posix()}/{template}"


def _in_template(manifest: Manifest, template: str, source: str | None, shown: str) -> Manifest:
    positions: dict[NodePath, tuple[int, int]] = {
        node: template_position(source, node, manifest.document) if source else (1, 1)
        for node in manifest.positions
    }
    return replace(manifest, path=shown, positions=positions)

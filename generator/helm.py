"""Real Helm, in-process: the one module that calls `helm-python-sdk` (Helm v4's Go SDK
behind a C ABI, through ctypes).

The library is imported on first use, so a run without charts never loads it. Every error
it raises (and one it cannot even be loaded with) becomes a `HelmError` whose message is
Helm's own, without a traceback; callers turn it into a finding or an exit 2.

Rendering is `helm template` as Argo CD runs it: offline, the release name and namespace
of the Application, the cluster's Kubernetes version and API versions, the chart's CRDs
included, NOTES.txt left out.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from generator.errors import GitopsgenError

NOTES = "NOTES.txt"


class HelmError(GitopsgenError):
    """Helm refused or failed: the message is what Helm said."""


@dataclass(frozen=True)
class RenderRequest:
    release: str
    namespace: str
    kube_version: str  # MAJOR.MINOR, as the catalog's clusters give it
    api_versions: tuple[str, ...] = ()  # group/version the cluster serves beyond the built-in


def _sdk() -> ModuleType:
    try:
        import helm_python
    except Exception as exc:  # the native library may be missing for this platform
        raise HelmError(f"Helm (helm-python-sdk) cannot be loaded: {_said(exc)}") from None
    return helm_python


def _said(exc: BaseException) -> str:
    text = str(getattr(exc, "detail", None) or exc).strip()
    return " ".join(text.split()) or type(exc).__name__


def sdk_version() -> str:
    """The Helm SDK inside the library (`v4.2.3`), or "-" where it cannot be loaded."""
    try:
        return str(_sdk().helm_sdk_version())
    except HelmError:
        return "-"


def _kube_version(version: str) -> str:
    """Helm's form of a Kubernetes version: `1.31` -> `v1.31.0`."""
    parts = version.lstrip("v").split(".")
    return "v" + ".".join([*parts, "0", "0"][:3])


def _load(helm: ModuleType, chart: bytes | Path) -> Any:
    if isinstance(chart, bytes):
        return helm.Chart.load_archive(chart)
    return helm.Chart.load(chart)


@dataclass(frozen=True)
class Output:
    manifests: dict[str, str]  # template path (`<chart>/templates/x.yaml`) -> rendered text
    sources: dict[str, str]  # the same paths -> the chart's own template or CRD file


def render(chart: bytes | Path, values: Mapping[str, Any], request: RenderRequest) -> Output:
    """The chart (archive bytes, or a chart folder or archive on disk) rendered with `values`
    (the user values; Helm coalesces them with the chart's defaults and checks them against
    its values.schema.json), `<chart>/crds/...` included; and the sources of the chart's own
    templates (a subchart's are not among them)."""
    helm = _sdk()
    options = {
        "name": request.release,
        "namespace": request.namespace,
        "kube_version": _kube_version(request.kube_version),
        "is_install": True,
    }
    if request.api_versions:
        options["api_versions"] = list(request.api_versions)
    try:
        with _load(helm, chart) as loaded:
            # Chart.render has no Kubernetes version or API versions parameter; the library's
            # render call takes them among its options, so they are passed to it directly.
            text = helm._native.call_string(
                "helm_render", loaded._raw(), json.dumps(dict(values)), json.dumps(options)
            )
            name = str(loaded.name)
            crds = loaded.crds
            templates = loaded.templates
    except Exception as exc:  # Helm's errors, and whatever else the binding may raise
        raise HelmError(_said(exc)) from None
    rendered: dict[str, str] = json.loads(text)
    found = {k: v for k, v in rendered.items() if not k.endswith("/" + NOTES)}
    sources = {f"{name}/{t['name']}": str(t["data"]) for t in templates}
    for crd in crds:
        found[str(crd["filename"])] = sources[str(crd["filename"])] = str(crd["data"])
    return Output(
        dict(sorted(found.items())), {k: v for k, v in sorted(sources.items()) if k in found}
    )


def package(folder: Path, destination: Path) -> Path:
    """`helm package`: the chart folder as `<destination>/<name>-<version>.tgz`."""
    helm = _sdk()
    try:
        return Path(helm.package(folder, destination=destination))
    except Exception as exc:
        raise HelmError(_said(exc)) from None


def pull(repo_url: str, name: str, version: str, timeout: float) -> bytes:
    """The chart archive from its Helm repository (`https://`) or OCI registry (`oci://`),
    within `timeout` seconds (a pull still running then is left to end on its own: the
    library cannot be interrupted, and what it writes lands in a folder nobody reads)."""
    helm = _sdk()
    folder = tempfile.mkdtemp(prefix="gitopsgen-pull-")
    outcome: dict[str, BaseException | None] = {}

    def run() -> None:
        try:
            if repo_url.startswith("oci://"):
                helm.pull(f"{repo_url}/{name}", version=version, destination=folder)
            else:
                helm.pull(name, repo_url=repo_url, version=version, destination=folder)
            outcome["error"] = None
        except BaseException as exc:  # reported by the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=run, name="helm-pull", daemon=True)
    worker.start()
    worker.join(timeout)
    if "error" not in outcome:
        raise HelmError(f"no answer within {timeout:g} seconds")
    error = outcome["error"]
    try:
        if error is not None:
            raise HelmError(_said(error)) from None
        archives = sorted(Path(folder).glob("*.tgz"))
        if len(archives) != 1:
            raise HelmError(f"the pull wrote {len(archives)} archives instead of one")
        return archives[0].read_bytes()
    finally:
        _remove(Path(folder))


def _remove(folder: Path) -> None:
    for top, dirs, names in os.walk(folder, topdown=False):
        for entry in names:
            Path(top, entry).unlink(missing_ok=True)
        for entry in dirs:
            Path(top, entry).rmdir()
    folder.rmdir()

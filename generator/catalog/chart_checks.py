"""Checks of Helm charts in the catalog: chart apps (`apps.<app>.chart`, instead of `image`)
and cluster add-ons (`clusters.<c>.addons.<name>`). Their value files: `value_file_checks`;
their repository URLs: `url_checks`."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.names import is_dns_label, shown
from generator.finding import Finding
from generator.k8s.imageref import is_semver
from generator.manifest import NodePath
from generator.yamlio import Located

# What a chart app may write; every other app field is an image workload's (the chart
# decides ports, probes, resources ... through its values).
CHART_APP_FIELDS = frozenset(
    {"team", "chart", "values", "valueFiles", "dependsOn", "suppress", "environments"}
)
CHART_ENVIRONMENT_FIELDS = frozenset({"enabled", "version", "hotfix", "values", "valueFiles"})
HELM_FIELDS = ("values", "valueFiles")


def _environments(spec: dict[str, Any]) -> dict[str, Any]:
    envs = spec.get("environments")
    return envs if isinstance(envs, dict) else {}


def check_image_or_chart(doc: Located) -> Iterator[Finding]:
    for app, spec in _section(doc, "apps").items():
        if "image" in spec and "chart" in spec:
            yield rules.CHART.finding(
                f"app '{app}' names both `image` and `chart`; an app runs a container image "
                "or a Helm chart: remove one of them",
                doc.position(("apps", app, "chart"), key=True),
            )
        elif "image" not in spec and "chart" not in spec:
            yield rules.CHART.finding(
                f"app '{app}' names neither `image` nor `chart`; set `image: <repository>` "
                "for a container image, or `chart: {repoURL, name}` for a Helm chart",
                doc.position(("apps", app), key=True),
            )


def check_chart_fields(doc: Located) -> Iterator[Finding]:
    """A chart app writes only what a chart app has; an image app no Helm values."""
    for app, spec in _section(doc, "apps").items():
        if ("image" in spec) == ("chart" in spec):
            continue  # check_image_or_chart says what to write
        places: list[tuple[NodePath, Any, frozenset[str]]] = [
            (("apps", app), spec, CHART_APP_FIELDS)
        ]
        places += [
            (("apps", app, "environments", env), values, CHART_ENVIRONMENT_FIELDS)
            for env, values in _environments(spec).items()
            if isinstance(values, dict)
        ]
        for at, values, allowed in places:
            for field in values:
                if "chart" in spec and field not in allowed:
                    yield rules.CHART.finding(
                        f"app '{app}' runs the Helm chart '{spec['chart']['name']}', so "
                        f"`{field}` does not apply (the chart decides its workloads); set what "
                        "the chart offers for it under `values`, or remove it",
                        doc.position((*at, field), key=True),
                    )
                elif "chart" not in spec and field in HELM_FIELDS:
                    yield rules.CHART.finding(
                        f"app '{app}' runs an image, so `{field}` (Helm values of a chart app) "
                        "does not apply; use `config`, `env` or `components`, or make the "
                        "app a chart app with `chart: {repoURL, name}`",
                        doc.position((*at, field), key=True),
                    )


def _version_finding(version: Any, what: str, at: tuple[Any, ...], doc: Located) -> Finding | None:
    if is_semver(str(version)):
        return None
    return rules.CHART_VERSION.finding(
        f"version {shown(str(version))} of {what} is not a chart version; Helm charts are "
        "versioned by SemVer: write MAJOR.MINOR.PATCH, e.g. 1.4.2 or v1.17.1 (an "
        "environment's imagePolicy does not apply to charts)",
        doc.position(at),
    )


def check_chart_versions(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    for app, spec in _section(doc, "apps").items():
        if "chart" not in spec or "image" in spec:
            continue
        for env, values in _environments(spec).items():
            if env not in environments or values.get("enabled", True) is False:
                continue
            if "version" in values:
                at = ("apps", app, "environments", env, "version")
                found = _version_finding(
                    values["version"], f"chart app '{app}' in '{env}'", at, doc
                )
                if found:
                    yield found
    for cluster, spec in _section(doc, "clusters").items():
        for addon, addon_spec in (spec.get("addons") or {}).items():
            at = ("clusters", cluster, "addons", addon, "version")
            what = f"add-on '{addon}' of cluster '{cluster}'"
            found = _version_finding(addon_spec["version"], what, at, doc)
            if found:
                yield found


def check_addon_names(doc: Located) -> Iterator[Finding]:
    for cluster, spec in _section(doc, "clusters").items():
        for addon in spec.get("addons") or {}:
            if not is_dns_label(str(addon)):
                yield rules.INVALID_NAME.finding(
                    f"add-on name {shown(str(addon))} of cluster '{cluster}' is not a DNS-1123 "
                    "label; use lower-case letters, digits and '-' (e.g. 'cert-manager'), at "
                    "most 63 characters",
                    doc.position(("clusters", cluster, "addons", addon), key=True),
                )


def check_addon_namespaces(doc: Located) -> Iterator[Finding]:
    argocd = doc.data.get("argocd", {}).get("namespace", c.DEFAULT_ARGOCD_NAMESPACE)
    for cluster, spec in _section(doc, "clusters").items():
        taken = {
            env_spec["namespace"]: env
            for env, env_spec in _section(doc, "environments").items()
            if env_spec.get("cluster") == cluster
        }
        for addon, addon_spec in (spec.get("addons") or {}).items():
            namespace = addon_spec["namespace"]
            if namespace in taken:
                reason = (
                    f"the namespace of environment '{taken[namespace]}' on that cluster, with "
                    "its guardrails and apps"
                )
            elif namespace == argocd:
                reason = "the Argo CD namespace (`argocd.namespace`), with the Applications"
            else:
                continue
            yield rules.ADDON_NAMESPACE.finding(
                f"add-on '{addon}' of cluster '{cluster}' runs in namespace '{namespace}', "
                f"{reason}; give the add-on a namespace of its own, e.g. '{addon}'",
                doc.position(("clusters", cluster, "addons", addon, "namespace")),
            )

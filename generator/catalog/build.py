"""Build the model from a checked catalog: defaults < app < environment, maps merged key by key."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generator import constants as c
from generator.catalog.model import (
    App,
    Autoscaling,
    Catalog,
    Cluster,
    Deployment,
    Environment,
    LimitRange,
    Probe,
    Resources,
    SecretRef,
    Suppression,
    Team,
    Workload,
)
from generator.yamlio import Located

PROBE_MODES = ("path", "grpc", "tcp", "command")
PROBE_TIMING = (
    "initialDelaySeconds",
    "periodSeconds",
    "timeoutSeconds",
    "failureThreshold",
    "successThreshold",
)
DEFAULT_TARGET_CPU = 80


def merge(base: Any, override: Any) -> Any:
    """Maps merge key by key, anything else (lists included) is replaced."""
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return override


def merge_probes(defaults: Mapping[str, Any], own: Mapping[str, Any]) -> dict[str, Any]:
    """An app's probes over the default ones. A probe is one of path, grpc, tcp or command: an
    app's probe that names one replaces the default's (its timing fields still merge)."""
    merged: dict[str, Any] = {}
    for kind in sorted({*defaults, *own}):
        base = dict(defaults.get(kind, {}))
        if any(m in own.get(kind, {}) for m in PROBE_MODES):
            base = {k: v for k, v in base.items() if k not in PROBE_MODES}
        merged[kind] = merge(base, own.get(kind, {}))
    return merged


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _sorted(mapping: Mapping[str, Any]) -> dict[str, str]:
    return {k: _scalar(mapping[k]) for k in sorted(mapping)}


def _workload(values: Mapping[str, Any]) -> Workload:
    resources = values.get("resources", {})
    scaling = values.get("autoscaling")
    return Workload(
        replicas=int(values.get("replicas", 1)),
        resources=Resources(
            _sorted(resources.get("requests", {})), _sorted(resources.get("limits", {}))
        ),
        config=_sorted(values.get("config", {})),
        autoscaling=Autoscaling(
            min_replicas=int(scaling.get("minReplicas", 1)),
            max_replicas=int(scaling["maxReplicas"]),
            target_cpu=int(scaling.get("targetCPUUtilization", DEFAULT_TARGET_CPU)),
        )
        if scaling
        else None,
    )


def _probe(spec: Mapping[str, Any]) -> Probe:
    kind = next(k for k in PROBE_MODES if k in spec)
    return Probe(
        kind={"path": "http", "command": "exec"}.get(kind, kind),
        path=spec.get("path"),
        command=tuple(spec.get("command", ())),
        port=spec.get("port"),
        timing={k: int(spec[k]) for k in PROBE_TIMING if k in spec},
    )


def _environment(name: str, index: int, spec: Mapping[str, Any]) -> Environment:
    limits = spec.get("limitRange")
    return Environment(
        name=name,
        index=index,
        cluster=spec["cluster"],
        namespace=spec["namespace"],
        host=spec.get("host"),
        sync=spec.get("sync", c.DEFAULT_SYNC),
        pod_security=spec.get("podSecurity", c.DEFAULT_POD_SECURITY),
        image_policy=spec.get("imagePolicy", c.DEFAULT_IMAGE_POLICY),
        min_replicas=spec.get("minReplicas"),
        secret_store=spec.get("secretStore"),
        secret_store_kind=spec.get("secretStoreKind", c.DEFAULT_SECRET_STORE_KIND),
        access={k: spec["access"][k] for k in sorted(spec.get("access", {}))},
        quota=_sorted(spec.get("quota", {})),
        limit_range=LimitRange(
            default=_sorted(limits.get("default", {})),
            default_request=_sorted(limits.get("defaultRequest", {})),
            max=_sorted(limits.get("max", {})),
            min=_sorted(limits.get("min", {})),
        )
        if limits
        else None,
    )


def _app(name: str, spec: Mapping[str, Any], defaults: Mapping[str, Any], envs: list[str]) -> App:
    values = merge(defaults, {k: v for k, v in spec.items() if k != "environments"})
    deployments = []
    for env in envs:
        env_values = spec["environments"].get(env, {})
        hotfix = env_values.get("hotfix")
        deployments.append(
            Deployment(
                app=name,
                environment=env,
                enabled=bool(env_values.get("enabled", True)),
                version=str(env_values.get("version", "")),
                hotfix=hotfix["reason"] if hotfix else None,
                values=_workload(merge(values, env_values)),
            )
        )
    ingress = spec.get("ingress")
    metrics = spec.get("metrics")
    return App(
        name=name,
        team=spec["team"],
        image=spec["image"],
        port=spec.get("port"),
        service_port=spec.get("servicePort"),
        ingress_host=ingress.get("host") if ingress else None,
        ingress_path=ingress.get("path", "/") if ingress else None,
        metrics_port=metrics["port"] if metrics else None,
        metrics_path=metrics.get("path", "/metrics") if metrics else "/metrics",
        writable_paths=tuple(values.get("writablePaths", ())),
        probes={
            k: _probe(v)
            for k, v in merge_probes(defaults.get("probes", {}), spec.get("probes", {})).items()
        },
        secrets=tuple(
            SecretRef(n, spec["secrets"][n]["key"], spec["secrets"][n].get("property"))
            for n in sorted(spec.get("secrets", {}))
        ),
        depends_on=tuple(sorted(spec.get("dependsOn", ()))),
        suppressions=tuple(
            Suppression(s["rule"], s["reason"], tuple(s.get("environments", ())))
            for s in spec.get("suppress", ())
        ),
        values=_workload(values),
        deployments=tuple(deployments),
    )


def build_catalog(doc: Located) -> Catalog:
    data = doc.data
    envs = list(data["environments"])
    repository = data["repository"]
    defaults = data.get("defaults", {})
    return Catalog(
        path=doc.path,
        api_version=data["apiVersion"],
        repository_url=repository["url"],
        repository_revision=repository.get("revision", c.DEFAULT_REVISION),
        argocd_namespace=data.get("argocd", {}).get("namespace", c.DEFAULT_ARGOCD_NAMESPACE),
        clusters=tuple(
            Cluster(
                name=name,
                server=spec["server"],
                kubernetes_version=spec["kubernetesVersion"],
                ingress_class=spec.get("ingress", {}).get("className", c.DEFAULT_INGRESS_CLASS),
                ingress_namespace=spec.get("ingress", {}).get(
                    "namespace", c.DEFAULT_INGRESS_NAMESPACE
                ),
                monitoring_namespace=spec.get(
                    "monitoringNamespace", c.DEFAULT_MONITORING_NAMESPACE
                ),
            )
            for name, spec in sorted(data["clusters"].items())
        ),
        teams=tuple(
            Team(name, tuple(spec["groups"]), tuple(spec.get("github", ())))
            for name, spec in sorted(data["teams"].items())
        ),
        environments=tuple(_environment(n, i, data["environments"][n]) for i, n in enumerate(envs)),
        apps=tuple(_app(n, data["apps"][n], defaults, envs) for n in sorted(data["apps"])),
        positions=doc.keys,
        raw=data,
    )

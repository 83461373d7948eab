"""Build the model from a checked catalog: defaults < app < environment, maps merged key by key."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from generator import constants as c
from generator.catalog.model import (
    BATCH_KINDS,
    Addon,
    App,
    Autoscaling,
    Backup,
    Catalog,
    Chart,
    Cluster,
    Container,
    Deployment,
    Environment,
    Ingress,
    LimitRange,
    Port,
    Probe,
    Resources,
    SecretRef,
    Security,
    Suppression,
    Team,
    Volume,
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
    if not own:  # most environments' entries: the defaults as they are
        return {kind: dict(defaults[kind]) for kind in sorted(defaults)}
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


def _probe(spec: Mapping[str, Any]) -> Probe:
    kind = next(k for k in PROBE_MODES if k in spec)
    return Probe(
        kind={"path": "http", "command": "exec"}.get(kind, kind),
        path=spec.get("path"),
        command=tuple(spec.get("command", ())),
        port=spec.get("port"),
        timing={k: int(spec[k]) for k in PROBE_TIMING if k in spec},
    )


def _probes(spec: Mapping[str, Any]) -> dict[str, Probe]:
    return {k: _probe(spec[k]) for k in sorted(spec) if any(m in spec[k] for m in PROBE_MODES)}


def _resources(values: Mapping[str, Any]) -> Resources:
    resources = values.get("resources", {})
    return Resources(_sorted(resources.get("requests", {})), _sorted(resources.get("limits", {})))


def ports(values: Mapping[str, Any]) -> tuple[Port, ...]:
    """`ports.<name>`, or the `port:` shorthand (one port named http); sorted by name."""
    spec: Mapping[str, Any] = values.get("ports") or {}
    if not spec and values.get("port") is not None:
        spec = {
            c.DEFAULT_PORT_NAME: {"port": values["port"], "servicePort": values.get("servicePort")}
        }
    return tuple(
        Port(
            name=str(name),
            port=int(spec[name]["port"]),
            service_port=int(spec[name].get("servicePort") or spec[name]["port"]),
            protocol=spec[name].get("protocol", "TCP"),
            app_protocol=spec[name].get("appProtocol"),
        )
        for name in sorted(spec, key=str)
    )


def volume_name(mount_path: str) -> str:
    slug = "-".join(part for part in re.split(r"[^a-z0-9]+", mount_path.lower()) if part)
    return (slug or "root")[:63].strip("-")


def volumes(spec: Mapping[str, Any]) -> tuple[Volume, ...]:
    """`volumes.<mountPath>`, sorted by mount path."""
    result = []
    for path in sorted(spec):
        value = spec[path]
        name = value.get("name") or volume_name(path)
        if "emptyDir" in value:
            empty = value["emptyDir"] or {}
            result.append(
                Volume(
                    name,
                    path,
                    "emptyDir",
                    medium=empty.get("medium") or None,
                    size_limit=_scalar(empty["sizeLimit"]) if "sizeLimit" in empty else None,
                )
            )
        elif "configMap" in value:
            result.append(Volume(name, path, "configMap", source=value["configMap"]))
        elif "secret" in value:
            result.append(Volume(name, path, "secret", source=value["secret"]))
        else:
            result.append(
                Volume(
                    name,
                    path,
                    "persistent",
                    size=_scalar(value.get("size", c.DEFAULT_VOLUME_SIZE)),
                    storage_class=value.get("storageClass"),
                    access_modes=tuple(value.get("accessModes", (c.DEFAULT_ACCESS_MODE,))),
                )
            )
    return tuple(result)


def security(spec: Mapping[str, Any]) -> Security:
    return Security(
        run_as_user=spec.get("runAsUser"),
        run_as_group=spec.get("runAsGroup"),
        fs_group=spec.get("fsGroup"),
        run_as_non_root=spec.get("runAsNonRoot"),
        read_only_root_filesystem=spec.get("readOnlyRootFilesystem"),
        capabilities_add=tuple(spec.get("capabilities", {}).get("add", ())),
        seccomp_profile=canonical(spec["seccompProfile"]) if "seccompProfile" in spec else None,
    )


def canonical(value: Any) -> Any:
    """Pass-through data with every mapping's keys sorted, so catalog key order never shows."""
    if isinstance(value, dict):
        return {k: canonical(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _strings(value: Any) -> tuple[str, ...] | None:
    return None if value is None else tuple(str(v) for v in value)


def _env(spec: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {k: canonical(spec[k]) for k in sorted(spec)}


def _containers(spec: Mapping[str, Any]) -> tuple[Container, ...]:
    return tuple(
        Container(
            name=name,
            image=spec[name].get("image"),
            version=spec[name].get("version"),
            command=_strings(spec[name].get("command")),
            args=_strings(spec[name].get("args")),
            env=_env(spec[name].get("env", {})),
            ports=ports(spec[name]),
            resources=_resources(spec[name]),
            probes=_probes(spec[name].get("probes", {})),
            security=security(spec[name].get("securityContext", {})),
            volumes=volumes(spec[name].get("volumes", {})),
        )
        for name in sorted(spec)
    )


def _autoscaling(values: Mapping[str, Any]) -> Autoscaling | None:
    scaling = values.get("autoscaling")
    if not scaling:
        return None
    return Autoscaling(
        min_replicas=int(scaling.get("minReplicas", 1)),
        max_replicas=int(scaling["maxReplicas"]),
        target_cpu=int(scaling.get("targetCPUUtilization", DEFAULT_TARGET_CPU)),
    )


def _annotations(values: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    annotations = values.get("annotations", {})
    return {k: _sorted(annotations[k]) for k in sorted(annotations) if annotations[k]}


# Each field of a Workload, from the one catalog key it is made of (the merged values).
WORKLOAD_FIELDS: tuple[tuple[str, str, Callable[[Mapping[str, Any]], Any]], ...] = (
    ("replicas", "replicas", lambda v: int(v.get("replicas", 1))),
    ("resources", "resources", _resources),
    ("config", "config", lambda v: _sorted(v.get("config", {}))),
    ("autoscaling", "autoscaling", _autoscaling),
    ("probes", "probes", lambda v: _probes(v.get("probes", {}))),
    ("command", "command", lambda v: _strings(v.get("command"))),
    ("args", "args", lambda v: _strings(v.get("args"))),
    ("env", "env", lambda v: _env(v.get("env", {}))),
    ("securityContext", "security", lambda v: security(v.get("securityContext", {}))),
    ("volumes", "volumes", lambda v: volumes(v.get("volumes", {}))),
    ("annotations", "annotations", _annotations),
    ("labels", "pod_labels", lambda v: _sorted(v.get("labels", {}).get("pod", {}))),
    ("scheduling", "scheduling", lambda v: canonical(v.get("scheduling", {}))),
    (
        "terminationGracePeriodSeconds",
        "termination_grace",
        lambda v: v.get("terminationGracePeriodSeconds"),
    ),
    ("egress", "egress", lambda v: tuple(canonical(list(v.get("egress", ()))))),
    ("sidecars", "sidecars", lambda v: _containers(v.get("sidecars", {}))),
    ("initContainers", "init_containers", lambda v: _containers(v.get("initContainers", {}))),
    ("components", "components", lambda v: tuple(v.get("components", ()))),
    ("schedule", "schedule", lambda v: v.get("schedule")),
    ("job", "job", lambda v: {k: v["job"][k] for k in sorted(v.get("job", {}))}),
    ("values", "helm_values", lambda v: canonical(v.get("values", {}))),
    ("valueFiles", "value_files", lambda v: tuple(v.get("valueFiles", ()))),
)


def _workload_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    return {field: made(values) for _, field, made in WORKLOAD_FIELDS}


def _workload(values: Mapping[str, Any]) -> Workload:
    return Workload(**_workload_fields(values))


def _workload_over(
    fields: Mapping[str, Any], merged: Mapping[str, Any], keys: Collection[str]
) -> Workload:
    """The workload of the app's `fields` with those of the catalog keys `keys` (what an
    environment's entry sets) made from `merged`: the other fields are the app's as they are."""
    changed = {field: made(merged) for key, field, made in WORKLOAD_FIELDS if key in keys}
    return Workload(**{**fields, **changed})


def _environment(name: str, index: int, spec: Mapping[str, Any], before: str | None) -> Environment:
    limits = spec.get("limitRange")
    backups = spec.get("backups", {})
    sources = spec.get("promotesFrom")
    if isinstance(sources, str):
        sources = [sources]
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
        promotes_from=tuple(sources) if sources is not None else ((before,) if before else ()),
        backup_location=backups.get("storageLocation"),
        backup_namespace=backups.get("namespace", c.DEFAULT_VELERO_NAMESPACE) if backups else None,
        backup_volumes=backups.get("volumes", c.DEFAULT_BACKUP_VOLUMES) if backups else None,
    )


def _chart(spec: Mapping[str, Any] | None) -> Chart | None:
    if spec is None:
        return None
    return Chart(repo_url=str(spec["repoURL"]).rstrip("/"), name=spec["name"])


def _addon(cluster: str, name: str, spec: Mapping[str, Any]) -> Addon:
    chart = _chart(spec["chart"])
    assert chart is not None
    return Addon(
        name=name,
        cluster=cluster,
        chart=chart,
        version=str(spec["version"]),
        namespace=spec["namespace"],
        values=canonical(spec.get("values", {})),
        value_files=tuple(spec.get("valueFiles", ())),
        hotfix=spec["hotfix"]["reason"] if "hotfix" in spec else None,
    )


def _ingress(spec: Mapping[str, Any] | None, own: tuple[Port, ...]) -> Ingress | None:
    if spec is None:
        return None
    paths = tuple(spec.get("paths") or (spec.get("path", "/"),))
    names = [p.name for p in own]
    default = c.DEFAULT_PORT_NAME if c.DEFAULT_PORT_NAME in names or not names else names[0]
    return Ingress(spec.get("host"), paths, spec.get("port", default))


def _service(values: Mapping[str, Any], kind: str) -> str | None:
    spec = values.get("service", {})
    if spec is False or kind in BATCH_KINDS:
        return None
    return "Headless" if spec.get("headless") else spec.get("type", "ClusterIP")


def _metrics_port(metrics: Mapping[str, Any] | None, own: tuple[Port, ...]) -> str | None:
    if metrics is None:
        return None
    port = metrics["port"]
    if isinstance(port, str):
        return port
    return next((p.name for p in own if p.port == port), c.METRICS_PORT_NAME)


def _own_ports(values: Mapping[str, Any]) -> tuple[Port, ...]:
    """The app container's ports; a metrics port number no port declares is added as
    `metrics`."""
    own = ports(values)
    metrics = values.get("metrics")
    if metrics and isinstance(metrics["port"], int) and all(p.port != metrics["port"] for p in own):
        extra = Port(c.METRICS_PORT_NAME, metrics["port"], metrics["port"], "TCP", None)
        own = tuple(sorted((*own, extra), key=lambda p: p.name))
    return own


def _app(name: str, spec: Mapping[str, Any], defaults: Mapping[str, Any], envs: list[str]) -> App:
    own = {k: v for k, v in spec.items() if k != "environments"}
    values = merge(defaults, own)
    values["probes"] = merge_probes(defaults.get("probes", {}), spec.get("probes", {}))
    fields = _workload_fields(values)
    deployments = []
    for env in envs:
        env_values = spec["environments"].get(env, {})
        merged = merge(values, env_values)
        merged["probes"] = merge_probes(values["probes"], env_values.get("probes", {}))
        hotfix = env_values.get("hotfix")
        deployments.append(
            Deployment(
                app=name,
                environment=env,
                enabled=bool(env_values.get("enabled", True)),
                version=str(env_values.get("version", "")),
                hotfix=hotfix["reason"] if hotfix else None,
                values=_workload_over(fields, merged, env_values.keys()),
            )
        )
    kind = spec.get("kind", "Deployment")
    own_ports = _own_ports(values)
    metrics = values.get("metrics")
    return App(
        name=name,
        team=spec["team"],
        image=spec.get("image", ""),
        kind=kind,
        hook=spec.get("hook"),
        ports=own_ports,
        service=_service(values, kind),
        ingress=_ingress(values.get("ingress"), own_ports),
        metrics_port=_metrics_port(metrics, own_ports),
        metrics_path=metrics.get("path", "/metrics") if metrics else "/metrics",
        writable_paths=tuple(values.get("writablePaths", ())),
        secrets=tuple(
            SecretRef(n, values["secrets"][n]["key"], values["secrets"][n].get("property"))
            for n in sorted(values.get("secrets", {}))
        ),
        depends_on=tuple(sorted(values.get("dependsOn", ()))),
        suppressions=tuple(
            Suppression(s["rule"], s["reason"], tuple(s.get("environments", ())))
            for s in values.get("suppress", ())
        ),
        values=Workload(**fields),
        deployments=tuple(deployments),
        chart=_chart(spec.get("chart")),
        backup=Backup(spec["backup"]["schedule"], spec["backup"].get("ttl"))
        if spec.get("backup")
        else None,
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
                cluster_issuer=spec.get("ingress", {}).get("clusterIssuer"),
                addons=tuple(
                    _addon(name, addon, spec["addons"][addon])
                    for addon in sorted(spec.get("addons", {}))
                ),
            )
            for name, spec in sorted(data["clusters"].items())
        ),
        teams=tuple(
            Team(name, tuple(spec["groups"]), tuple(spec.get("github", ())))
            for name, spec in sorted(data["teams"].items())
        ),
        environments=tuple(
            _environment(n, i, data["environments"][n], envs[i - 1] if i else None)
            for i, n in enumerate(envs)
        ),
        apps=tuple(_app(n, data["apps"][n], defaults, envs) for n in sorted(data["apps"])),
        positions=doc.keys,
        raw=data,
    )

"""Containers, security contexts and volumes of an app's pod."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from generator import constants as c
from generator.catalog.model import (
    App,
    Container,
    Port,
    Probe,
    Resources,
    Security,
    Volume,
    Workload,
)
from generator.render.labels import config_map_name, secret_name

PROBE_FIELDS = {
    "readiness": "readinessProbe",
    "liveness": "livenessProbe",
    "startup": "startupProbe",
}


def resources(values: Resources) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if values.requests:
        result["requests"] = dict(values.requests)
    if values.limits:
        result["limits"] = dict(values.limits)
    return result


def default_port(ports: tuple[Port, ...]) -> Port | None:
    """The port a probe or an Ingress uses when it names none: `http`, else the first."""
    named = {p.name: p for p in ports}
    return named.get(c.DEFAULT_PORT_NAME) or (ports[0] if ports else None)


def probe(spec: Probe, ports: tuple[Port, ...]) -> dict[str, Any]:
    named = {p.name: p for p in ports}
    fallback = default_port(ports)
    port: int | str | None = spec.port
    if port is None:
        port = fallback.name if fallback else None
    if spec.kind == "http":
        handler: dict[str, Any] = {"httpGet": {"path": spec.path, "port": port}}
    elif spec.kind == "grpc":
        # gRPC probes take a number only.
        number = named[port].port if isinstance(port, str) and port in named else port
        handler = {"grpc": {"port": number}}
    elif spec.kind == "tcp":
        handler = {"tcpSocket": {"port": port}}
    else:
        handler = {"exec": {"command": list(spec.command)}}
    return {**handler, **spec.timing}


def run_as_non_root(security: Security) -> bool:
    return security.run_as_non_root is not False


def pod_security(security: Security) -> dict[str, Any]:
    spec: dict[str, Any] = {"runAsNonRoot": run_as_non_root(security)}
    user = security.run_as_user
    group = security.run_as_group
    if user is None and run_as_non_root(security):
        user = c.DEFAULT_RUN_AS_USER
        group = c.DEFAULT_RUN_AS_USER if group is None else group
    if user is not None:
        spec["runAsUser"] = user
    if group is not None:
        spec["runAsGroup"] = group
    if security.fs_group is not None:
        spec["fsGroup"] = security.fs_group
    spec["seccompProfile"] = dict(security.seccomp_profile or {"type": "RuntimeDefault"})
    return spec


def container_security(security: Security, pod: Security | None) -> dict[str, Any]:
    """A container's context: the restricted defaults, with what the catalog relaxes. `pod` is
    None for the app container (its identity is the pod's); for a sidecar or init container
    it is the pod's identity, which the container's own overrides. A container that says
    nothing of its own runs as non-root: under a pod whose user is root or unknown
    (runAsNonRoot false) it gets the default user, so the kubelet can start it."""
    capabilities: dict[str, Any] = {"drop": ["ALL"]}
    if security.capabilities_add:
        capabilities["add"] = list(security.capabilities_add)
    non_root = run_as_non_root(security)
    spec: dict[str, Any] = {
        "allowPrivilegeEscalation": False,
        "capabilities": capabilities,
        "readOnlyRootFilesystem": security.read_only_root_filesystem is not False,
        "runAsNonRoot": non_root,
    }
    if pod is not None:
        user, group = security.run_as_user, security.run_as_group
        if non_root and user is None and not run_as_non_root(pod) and pod.run_as_user in (None, 0):
            user = c.DEFAULT_RUN_AS_USER
            group = c.DEFAULT_RUN_AS_USER if group is None else group
        for key, value in (("runAsUser", user), ("runAsGroup", group)):
            if value is not None:
                spec[key] = value
        if security.seccomp_profile:
            spec["seccompProfile"] = dict(security.seccomp_profile)
    return spec


def writable_volumes(app: App, values: Workload) -> list[Volume]:
    """/tmp first (unless `volumes` mounts it), then each writable path in the catalog's order."""
    taken = {v.mount_path.rstrip("/") for v in values.volumes}
    paths = ["/tmp"] + [p for p in app.writable_paths if p.rstrip("/") != "/tmp"]
    return [
        Volume(c.TMP_VOLUME if i == 0 else f"writable-{i}", p, "emptyDir")
        for i, p in enumerate(paths)
        if p.rstrip("/") not in taken
    ]


def _ports(ports: tuple[Port, ...]) -> list[dict[str, Any]]:
    return [{"name": p.name, "containerPort": p.port, "protocol": p.protocol} for p in ports]


def _env(env: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"name": name, "valueFrom": dict(body)} for name, body in env.items()]


def _mounts(volumes: list[Volume]) -> list[dict[str, Any]]:
    mounts = []
    for volume in volumes:
        mount: dict[str, Any] = {"name": volume.name, "mountPath": volume.mount_path}
        if volume.kind in ("configMap", "secret"):
            mount["readOnly"] = True
        mounts.append(mount)
    return mounts


def _body(
    name: str,
    image: str,
    command: tuple[str, ...] | None,
    args: tuple[str, ...] | None,
) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "image": image}
    if command is not None:
        spec["command"] = list(command)
    if args is not None:
        spec["args"] = list(args)
    return spec


def _probes(probes: Mapping[str, Probe], ports: tuple[Port, ...]) -> dict[str, Any]:
    return {
        field: probe(probes[kind], ports) for kind, field in PROBE_FIELDS.items() if kind in probes
    }


def app_container(app: App, values: Workload, env_from: list[dict[str, Any]]) -> dict[str, Any]:
    spec = _body(app.name, app.image, values.command, values.args)
    if app.ports:
        spec["ports"] = _ports(app.ports)
    if env_from:
        spec["envFrom"] = env_from
    if values.env:
        spec["env"] = _env(values.env)
    spec["resources"] = resources(values.resources)
    spec.update(_probes(values.probes, app.ports))
    spec["securityContext"] = container_security(values.security, None)
    spec["volumeMounts"] = _mounts([*writable_volumes(app, values), *values.volumes])
    return spec


def extra_container(
    app: App, container: Container, env_from: list[dict[str, Any]], pod: Security
) -> Any:
    spec = _body(container.name, container.image or app.image, container.command, container.args)
    if container.ports:
        spec["ports"] = _ports(container.ports)
    if env_from and container.image is None:
        spec["envFrom"] = env_from  # the app's own image reads the app's settings
    if container.env:
        spec["env"] = _env(container.env)
    spec["resources"] = resources(container.resources)
    spec.update(_probes(container.probes, container.ports))
    spec["securityContext"] = container_security(container.security, pod)
    mounts = [Volume(c.TMP_VOLUME, "/tmp", "emptyDir"), *container.volumes]
    if any(v.mount_path.rstrip("/") == "/tmp" for v in container.volumes):
        mounts = list(container.volumes)
    spec["volumeMounts"] = _mounts(mounts)
    return spec


def env_from(app: App, has_config: bool) -> list[dict[str, Any]]:
    result = []
    if has_config:
        result.append({"configMapRef": {"name": config_map_name(app)}})
    if app.secrets:
        result.append({"secretRef": {"name": secret_name(app)}})
    return result


def has_config(app: App) -> bool:
    return bool(app.values.config) or any(d.values.config for d in app.deployments)


def containers(app: App, values: Workload) -> list[dict[str, Any]]:
    sources = env_from(app, has_config(app))
    return [
        app_container(app, values, sources),
        *(extra_container(app, s, sources, values.security) for s in values.sidecars),
    ]


def init_containers(app: App, values: Workload) -> list[dict[str, Any]]:
    sources = env_from(app, has_config(app))
    return [extra_container(app, s, sources, values.security) for s in values.init_containers]


def _volume_source(
    app: App, volume: Volume, claim: Callable[[App, str], str]
) -> dict[str, Any] | None:
    if volume.kind == "emptyDir":
        empty: dict[str, Any] = {}
        if volume.medium:
            empty["medium"] = volume.medium
        if volume.size_limit:
            empty["sizeLimit"] = volume.size_limit
        return {"emptyDir": empty}
    if volume.kind == "configMap":
        return {"configMap": {"name": volume.source}}
    if volume.kind == "secret":
        return {"secret": {"secretName": volume.source}}
    if app.kind == "StatefulSet":
        return None  # a volumeClaimTemplate
    return {"persistentVolumeClaim": {"claimName": claim(app, volume.name)}}


def pod_volumes(
    app: App, values: Workload, claim: Callable[[App, str], str]
) -> list[dict[str, Any]]:
    """Every volume of the pod once, by name: the app's, then its containers'."""
    seen: dict[str, dict[str, Any]] = {}
    every = [*writable_volumes(app, values), *values.volumes]
    if values.sidecars or values.init_containers:
        every.append(Volume(c.TMP_VOLUME, "/tmp", "emptyDir"))
    for container in (*values.init_containers, *values.sidecars):
        every.extend(container.volumes)
    for volume in every:
        if volume.name in seen:
            continue
        source = _volume_source(app, volume, claim)
        if source is not None:
            seen[volume.name] = {"name": volume.name, **source}
    return list(seen.values())

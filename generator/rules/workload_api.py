"""`workload-` rules on pod specs the API server refuses: a selector that misses its template,
two containers of one name, two ports of one name, a mount of a volume the pod lacks."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from generator.finding import Finding, Severity
from generator.k8s.display import show
from generator.k8s.podspec import pod_containers, pod_specs
from generator.k8s.selection import describe
from generator.k8s.workloads import mapping, pod_labels, resource_of, selector_matches
from generator.manifest import Manifest, get
from generator.rule import ManifestRule, Rule, RuleContext

LABEL_SELECTOR_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})

SELECTOR_RULE = Rule(
    id="workload-selector",
    severity=Severity.ERROR,
    summary="A workload's selector matches the labels of its own pod template.",
    description=(
        "The API server refuses a Deployment, StatefulSet, DaemonSet or ReplicaSet whose "
        "spec.selector is empty or does not match spec.template.metadata.labels (`selector "
        "does not match template labels`), and likewise a ReplicationController whose "
        "selector is set and misses its template's labels, and a Job with `manualSelector: "
        "true`. A missing selector is a schema error (`schema-invalid`)."
    ),
)

CONTAINER_NAMES_RULE = Rule(
    id="workload-container-names",
    severity=Severity.ERROR,
    summary="Container names are unique in a pod.",
    description=(
        "Init containers, containers and ephemeral containers share one namespace of names; "
        "the API server refuses a pod spec that names two of them alike (`Duplicate value`)."
    ),
)

CONTAINER_PORTS_RULE = Rule(
    id="workload-container-ports",
    severity=Severity.ERROR,
    summary="Port names are unique in a container, and a port is declared once in a pod.",
    description=(
        "The API server refuses a container that names two of its ports alike (error). "
        "Warnings, for what it accepts with a warning or what a Service cannot tell apart: "
        "one port name in two containers of the pod (a named targetPort then picks either), "
        "and one containerPort and protocol declared twice in the pod (`duplicate port "
        "definition`: the containers share the pod's network, so only one can listen), unless "
        "both carry different hostPorts."
    ),
)

VOLUME_MOUNT_RULE = Rule(
    id="workload-volume-mount",
    severity=Severity.ERROR,
    summary="Every volume mount names a volume of its pod, and volume names are unique.",
    description=(
        "The API server refuses a container whose volumeMounts or volumeDevices name a volume "
        "the pod spec does not list (`Not found`), and a pod spec that lists two volumes of "
        "one name (`Duplicate value`). A StatefulSet's volumeClaimTemplates count as volumes "
        "of its pods."
    ),
)


def _selector_problem(manifest: Manifest) -> str | None:
    """`empty` or `mismatch` for a workload whose selector the API server refuses."""
    labels = pod_labels(manifest)
    selector = get(manifest.obj, "spec", "selector")
    if manifest.kind in LABEL_SELECTOR_KINDS or (
        manifest.kind == "Job" and get(manifest.obj, "spec", "manualSelector") is True
    ):
        if not isinstance(selector, Mapping):
            return None
        if not mapping(selector.get("matchLabels")) and not selector.get("matchExpressions"):
            return "empty"
        return None if selector_matches(selector, labels) else "mismatch"
    replicated = manifest.kind == "ReplicationController" and isinstance(selector, Mapping)
    if replicated and selector and not selector_matches({"matchLabels": selector}, labels):
        return "mismatch"
    return None


def check_selector(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        problem = _selector_problem(manifest)
        if problem is None:
            continue
        labels = describe({"matchLabels": pod_labels(manifest)})
        selector = mapping(get(manifest.obj, "spec", "selector"))
        if manifest.kind == "ReplicationController":
            selector = {"matchLabels": selector}
        if problem == "empty":
            message = (
                f"{manifest.label()}: spec.selector is empty, which the API server refuses; "
                f"select the pod template's labels ({labels})"
            )
        else:
            message = (
                f"{manifest.label()}: spec.selector ({describe(selector)}) does not match the "
                f"pod template's labels ({labels}), so the API server refuses it; select labels "
                "the template carries"
            )
        yield SELECTOR_RULE.finding(
            message,
            manifest.position("spec", "selector"),
            resource_of(manifest, ctx.namespace),
            ctx.environment,
        )


def check_container_names(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for pod in pod_specs(manifests):
        seen: dict[str, str] = {}
        for container in pod_containers(pod):
            name = container.obj.get("name")
            if not isinstance(name, str) or not name:
                continue
            where = f"{container.field}[{container.index}]"
            if name in seen:
                yield CONTAINER_NAMES_RULE.finding(
                    f"{where} of {pod.manifest.label()} is named '{name}' like {seen[name]}, "
                    "which the API server refuses; give each container its own name",
                    container.position("name"),
                    resource_of(pod.manifest, ctx.namespace),
                    ctx.environment,
                )
            else:
                seen[name] = where


def _port_key(port: Mapping[str, Any]) -> tuple[object, object]:
    return port.get("containerPort"), port.get("protocol") or "TCP"


def _distinct_host_ports(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    return bool(a.get("hostPort")) and bool(b.get("hostPort")) and a["hostPort"] != b["hostPort"]


def check_container_ports(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for pod in pod_specs(manifests):
        resource = resource_of(pod.manifest, ctx.namespace)
        names_in_pod: dict[str, str] = {}
        numbers: dict[tuple[object, object], tuple[str, Mapping[str, Any]]] = {}
        for container in pod_containers(pod):
            ports = container.obj.get("ports")
            own: set[str] = set()
            for index, port in enumerate(ports if isinstance(ports, list) else []):
                if not isinstance(port, Mapping):
                    continue
                who = f"container '{container.name}' of {pod.manifest.label()}"
                name = port.get("name")
                if isinstance(name, str) and name:
                    if name in own:
                        yield CONTAINER_PORTS_RULE.finding(
                            f"{who} names two ports '{name}', which the API server refuses; "
                            "give each port its own name",
                            container.position("ports", index, "name"),
                            resource,
                            ctx.environment,
                        )
                    elif name in names_in_pod:
                        yield CONTAINER_PORTS_RULE.finding(
                            f"{who} names a port '{name}' like container '{names_in_pod[name]}' "
                            "does, so a Service targeting the name picks either; give each "
                            "port of the pod its own name",
                            container.position("ports", index, "name"),
                            resource,
                            ctx.environment,
                            Severity.WARNING,
                        )
                    own.add(name)
                    names_in_pod.setdefault(name, container.name)
                key = _port_key(port)
                first = numbers.get(key)
                if first is not None and not _distinct_host_ports(first[1], port):
                    yield CONTAINER_PORTS_RULE.finding(
                        f"{who} declares containerPort {show(key[0])}/{key[1]} like container "
                        f"'{first[0]}' does; containers share the pod's network, so only one "
                        "can listen there: declare it once",
                        container.position("ports", index, "containerPort"),
                        resource,
                        ctx.environment,
                        Severity.WARNING,
                    )
                elif first is None:
                    numbers[key] = (container.name, port)


def _volume_names(spec: Mapping[str, Any]) -> list[tuple[int, object]]:
    volumes = spec.get("volumes")
    return [
        (i, mapping(v).get("name"))
        for i, v in enumerate(volumes if isinstance(volumes, list) else [])
    ]


def _claim_names(manifest: Manifest) -> set[str]:
    if manifest.kind != "StatefulSet":
        return set()
    claims = get(manifest.obj, "spec", "volumeClaimTemplates")
    found = (get(c, "metadata", "name") for c in (claims if isinstance(claims, list) else []))
    return {name for name in found if isinstance(name, str)}


def check_volume_mount(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for pod in pod_specs(manifests):
        resource = resource_of(pod.manifest, ctx.namespace)
        names: set[object] = set()
        for index, name in _volume_names(pod.spec):
            if name in names and isinstance(name, str):
                yield VOLUME_MOUNT_RULE.finding(
                    f"{pod.manifest.label()} lists two volumes named '{name}', which the API "
                    "server refuses; rename one",
                    pod.position("volumes", index, "name"),
                    resource,
                    ctx.environment,
                )
            names.add(name)
        names |= _claim_names(pod.manifest)
        for container in pod_containers(pod):
            for field in ("volumeMounts", "volumeDevices"):
                mounts = container.obj.get(field)
                for index, mount in enumerate(mounts if isinstance(mounts, list) else []):
                    name = mapping(mount).get("name")
                    if not isinstance(name, str) or name in names:
                        continue
                    yield VOLUME_MOUNT_RULE.finding(
                        f"container '{container.name}' of {pod.manifest.label()} {field}[{index}] "
                        f"names volume '{name}', which the pod does not list, so the API "
                        "server refuses it; add the volume to spec.volumes or fix the name",
                        container.position(field, index, "name"),
                        resource,
                        ctx.environment,
                    )


SELECTOR = ManifestRule(SELECTOR_RULE, check_selector)
CONTAINER_NAMES = ManifestRule(CONTAINER_NAMES_RULE, check_container_names)
CONTAINER_PORTS = ManifestRule(CONTAINER_PORTS_RULE, check_container_ports)
VOLUME_MOUNT = ManifestRule(VOLUME_MOUNT_RULE, check_volume_mount)

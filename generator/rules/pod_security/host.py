"""Baseline checks that keep a pod off the node: privileged containers, host namespaces,
hostPath volumes, host ports, probe and lifecycle hosts, Windows HostProcess."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.k8s.display import named, show
from generator.rules.pod_security.check import Violation
from generator.rules.pod_security.pods import Pod, items


def privileged_1_0(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        if c.get("securityContext", "privileged") is True:
            yield (
                f"{c} sets securityContext.privileged: true; remove it or set it to false",
                c.at("securityContext", "privileged"),
            )


def host_namespaces_1_0(pod: Pod) -> Iterator[Violation]:
    for field in ("hostNetwork", "hostPID", "hostIPC"):
        if pod.spec(field) is True:
            yield (
                f"pod sets {field}: true and shares the node's namespace; "
                "remove it or set it to false",
                pod.spec_at(field),
            )


def host_path_volumes_1_0(pod: Pod) -> Iterator[Violation]:
    for index, volume in items(pod.spec("volumes")):
        if isinstance(volume, Mapping) and volume.get("hostPath") is not None:
            path = pod.spec("volumes", index, "hostPath", "path")
            yield (
                f"{named('volume', volume.get('name'), quoted=True)} mounts hostPath {show(path)} "
                "from the node; "
                "use a persistentVolumeClaim, emptyDir, configMap or secret volume instead",
                pod.spec_at("volumes", index, "hostPath"),
            )


def host_ports_1_0(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        for index, port in items(c.get("ports")):
            host_port = port.get("hostPort") if isinstance(port, Mapping) else None
            if host_port not in (None, 0):
                yield (
                    f"{c} sets ports[{index}].hostPort: {show(host_port)}; "
                    "remove hostPort and expose the port through a Service",
                    c.at("ports", index, "hostPort"),
                )


PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
LIFECYCLE_HANDLERS = ("postStart", "preStop")
HANDLER_KINDS = ("httpGet", "tcpSocket")


def host_probes_and_host_lifecycle_1_34(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        handlers: list[tuple[str, ...]] = [(probe,) for probe in PROBES]
        handlers += [("lifecycle", hook) for hook in LIFECYCLE_HANDLERS]
        for handler in handlers:
            for kind in HANDLER_KINDS:
                host = c.get(*handler, kind, "host")
                if host not in (None, ""):
                    where = ".".join((*handler, kind, "host"))
                    yield (
                        f"{c} sets {where}: {show(host)}; remove it so the kubelet "
                        "connects to the pod's own IP",
                        c.at(*handler, kind, "host"),
                    )


def windows_host_process_1_0(pod: Pod) -> Iterator[Violation]:
    if pod.spec("securityContext", "windowsOptions", "hostProcess") is True:
        yield (
            "pod sets securityContext.windowsOptions.hostProcess: true; remove it or set it "
            "to false",
            pod.spec_at("securityContext", "windowsOptions", "hostProcess"),
        )
    for c in pod.containers():
        if c.get("securityContext", "windowsOptions", "hostProcess") is True:
            yield (
                f"{c} sets securityContext.windowsOptions.hostProcess: true; remove it or "
                "set it to false",
                c.at("securityContext", "windowsOptions", "hostProcess"),
            )

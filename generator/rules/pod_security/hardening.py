"""Restricted checks: current pod hardening (no privilege escalation, dropped capabilities,
non-root users, a confined seccomp profile, core volume types, masked /proc)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.k8s.display import named, show
from generator.rules.pod_security.check import PodCheck, Violation
from generator.rules.pod_security.pods import Pod, items
from generator.rules.pod_security.profiles import explicit_seccomp, unmasked_proc


def linux_only(check: PodCheck) -> PodCheck:
    """Since 1.25 PSA exempts pods with spec.os.name: windows, where the field has no effect."""

    def exempting_windows(pod: Pod) -> Iterator[Violation]:
        if not pod.windows:
            yield from check(pod)

    return exempting_windows


def outside_user_namespace(check: PodCheck) -> PodCheck:
    """Since 1.35 PSA relaxes some checks for pods in a user namespace (hostUsers: false)."""

    def relaxing_user_namespaces(pod: Pod) -> Iterator[Violation]:
        if not pod.in_user_namespace:
            yield from check(pod)

    return relaxing_user_namespaces


def allow_privilege_escalation_1_8(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        value = c.get("securityContext", "allowPrivilegeEscalation")
        if value is False:
            continue
        what = "does not set securityContext.allowPrivilegeEscalation"
        if value is not None:
            what = f"sets securityContext.allowPrivilegeEscalation: {show(value)}"
        yield f"{c} {what}; set it to false", c.at("securityContext", "allowPrivilegeEscalation")


def _not_dropping_all(container: str, drop: object) -> str:
    remedy = "set securityContext.capabilities.drop: [ALL]"
    listed = drop if isinstance(drop, list) else []
    variant = next((d for d in listed if isinstance(d, str) and d.upper() == "ALL"), None)
    if variant is not None:
        # PSA compares the exact string; only the upper-case spelling counts as dropping all.
        return (
            f"{container} drops {show(variant)}, not ALL: Pod Security accepts only the "
            f"upper-case ALL; {remedy}"
        )
    return f"{container} does not drop ALL capabilities; {remedy}"


def capabilities_restricted_1_22(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        drop = c.get("securityContext", "capabilities", "drop")
        if not (isinstance(drop, list) and "ALL" in drop):
            yield _not_dropping_all(str(c), drop), c.at("securityContext", "capabilities", "drop")
        for index, cap in items(c.get("securityContext", "capabilities", "add")):
            if cap != "NET_BIND_SERVICE":
                yield (
                    f"{c} adds capability {show(cap)}; remove it "
                    "(only NET_BIND_SERVICE may be added)",
                    c.at("securityContext", "capabilities", "add", index),
                )


ALLOWED_VOLUME_SOURCES = (
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
)
RESTRICTED_VOLUME_SOURCES = (
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
)


def restricted_volumes_1_0(pod: Pod) -> Iterator[Violation]:
    # A volume without any source is defaulted to emptyDir by the API server.
    for index, volume in items(pod.spec("volumes")):
        if not isinstance(volume, Mapping):
            continue
        if any(volume.get(source) is not None for source in ALLOWED_VOLUME_SOURCES):
            continue
        for source in RESTRICTED_VOLUME_SOURCES:
            if volume.get(source) is not None:
                yield (
                    f"{named('volume', volume.get('name'), quoted=True)} uses the restricted "
                    f"volume type '{source}'; use a persistentVolumeClaim (or configMap, secret, "
                    "emptyDir, projected, downwardAPI, csi, ephemeral, image) instead",
                    pod.spec_at("volumes", index, source),
                )
                break


def run_as_non_root_1_0(pod: Pod) -> Iterator[Violation]:
    pod_value = pod.spec("securityContext", "runAsNonRoot")
    if pod_value is not None and pod_value is not True:
        yield (
            f"pod sets securityContext.runAsNonRoot: {show(pod_value)}; set it to true",
            pod.spec_at("securityContext", "runAsNonRoot"),
        )
    for c in pod.containers():
        value = c.get("securityContext", "runAsNonRoot")
        if value is not None and value is not True:
            yield (
                f"{c} sets securityContext.runAsNonRoot: {show(value)}; set it to true",
                c.at("securityContext", "runAsNonRoot"),
            )
        elif value is None and pod_value is None:
            yield (
                f"{c} may run as root: neither it nor the pod sets "
                "securityContext.runAsNonRoot; set runAsNonRoot: true in the pod's securityContext",
                c.at("securityContext", "runAsNonRoot"),
            )


def is_root(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


def run_as_user_1_23(pod: Pod) -> Iterator[Violation]:
    if is_root(pod.spec("securityContext", "runAsUser")):
        yield (
            "pod sets securityContext.runAsUser: 0 (root); use a non-zero user id",
            pod.spec_at("securityContext", "runAsUser"),
        )
    for c in pod.containers():
        if is_root(c.get("securityContext", "runAsUser")):
            yield (
                f"{c} sets securityContext.runAsUser: 0 (root); use a non-zero user id",
                c.at("securityContext", "runAsUser"),
            )


def seccomp_profile_restricted_1_19(pod: Pod) -> Iterator[Violation]:
    yield from explicit_seccomp(pod)
    if isinstance(pod.spec("securityContext", "seccompProfile"), Mapping):
        return  # set on the pod: valid, or reported above
    for c in pod.containers():
        if c.get("securityContext", "seccompProfile") is None:
            yield (
                f"{c} has no seccomp profile: neither it nor the pod sets "
                "securityContext.seccompProfile; set seccompProfile.type: RuntimeDefault "
                "in the pod's securityContext",
                c.at("securityContext", "seccompProfile"),
            )


def proc_mount_restricted_1_35(pod: Pod) -> Iterator[Violation]:
    # Unlike the baseline since 1.35, the restricted level masks /proc in user namespaces too.
    yield from unmasked_proc(pod, "remove it or set it to Default, also with hostUsers: false")

"""Baseline checks on security profiles and kernel settings: capabilities, AppArmor,
SELinux, /proc mount, seccomp and sysctls."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from generator.k8s.display import show
from generator.manifest import NodePath
from generator.rules.pod_security.check import PodCheck, Violation
from generator.rules.pod_security.pods import Pod, items

DEFAULT_CAPABILITIES = frozenset(
    [
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    ]
)


def capabilities_baseline_1_0(pod: Pod) -> Iterator[Violation]:
    for c in pod.containers():
        for index, cap in items(c.get("securityContext", "capabilities", "add")):
            if cap not in DEFAULT_CAPABILITIES:
                yield (
                    f"{c} adds capability {show(cap)}; remove it (only the default set "
                    "may be added, spelled like 'CHOWN')",
                    c.at("securityContext", "capabilities", "add", index),
                )


def setters(pod: Pod) -> Iterator[tuple[str, Callable[..., object], Callable[..., NodePath]]]:
    """The pod and each container as (label, get, at) over their securityContext."""
    yield (
        "pod",
        lambda *k: pod.spec("securityContext", *k),
        lambda *k: pod.spec_at("securityContext", *k),
    )
    for c in pod.containers():
        yield (
            str(c),
            lambda *k, c=c: c.get("securityContext", *k),
            lambda *k, c=c: c.at("securityContext", *k),
        )


APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/"


def confined_profiles(pod: Pod, field: str, remedy: str) -> Iterator[Violation]:
    """`securityContext.<field>.type` (pod and containers) set to anything but
    RuntimeDefault or Localhost; `remedy` ends the message."""
    for who, get, at in setters(pod):
        profile = get(field)
        if isinstance(profile, Mapping) and profile.get("type") not in (
            "RuntimeDefault",
            "Localhost",
        ):
            yield (
                f"{who} sets securityContext.{field}.type: {show(profile.get('type'))}; "
                f"set it to RuntimeDefault or Localhost{remedy}",
                at(field, "type"),
            )


def app_armor_profile_1_0(pod: Pod) -> Iterator[Violation]:
    yield from confined_profiles(pod, "appArmorProfile", ", or remove it")
    for key, value in sorted(pod.annotations().items()):
        if not str(key).startswith(APPARMOR_ANNOTATION_PREFIX):
            continue
        if value in ("", "runtime/default") or str(value).startswith("localhost/"):
            continue
        yield (
            f"annotation {key}: {show(value)} disables AppArmor; use 'runtime/default' or a "
            "'localhost/' profile, or remove it",
            pod.annotation_at(key),
        )


SELINUX_TYPES_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
SELINUX_TYPES_1_31 = SELINUX_TYPES_1_0 | {"container_engine_t"}


def se_linux_options(allowed: frozenset[str]) -> PodCheck:
    def check(pod: Pod) -> Iterator[Violation]:
        for who, get, at in setters(pod):
            options = get("seLinuxOptions")
            if not isinstance(options, Mapping):
                continue
            kind = options.get("type") or ""
            if kind not in allowed:
                yield (
                    f"{who} sets securityContext.seLinuxOptions.type: {show(kind)}; use one of "
                    f"{', '.join(sorted(t for t in allowed if t))} or remove it",
                    at("seLinuxOptions", "type"),
                )
            for field in ("user", "role"):
                if options.get(field):
                    yield (
                        f"{who} sets securityContext.seLinuxOptions.{field}: "
                        f"{show(options[field])}; remove it",
                        at("seLinuxOptions", field),
                    )

    return check


def unmasked_proc(pod: Pod, remedy: str) -> Iterator[Violation]:
    for c in pod.containers():
        value = c.get("securityContext", "procMount")
        if value is not None and value != "Default":
            yield (
                f"{c} sets securityContext.procMount: {show(value)}; {remedy}",
                c.at("securityContext", "procMount"),
            )


def proc_mount_1_0(pod: Pod) -> Iterator[Violation]:
    yield from unmasked_proc(pod, "remove it or set it to Default")


def proc_mount_1_35(pod: Pod) -> Iterator[Violation]:
    # Since 1.35 the baseline lets a pod in a user namespace (hostUsers: false) unmask /proc.
    if not pod.in_user_namespace:
        yield from unmasked_proc(
            pod, "remove it, set it to Default, or run the pod with spec.hostUsers: false"
        )


SECCOMP_POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod"
SECCOMP_CONTAINER_ANNOTATION = "container.seccomp.security.alpha.kubernetes.io/"


def seccomp_profile_baseline_1_0(pod: Pod) -> Iterator[Violation]:
    annotations = pod.annotations()
    keys = [SECCOMP_POD_ANNOTATION]
    keys += [SECCOMP_CONTAINER_ANNOTATION + c.name for c in pod.containers()]
    for key in keys:
        value = annotations.get(key)
        if value is None or value in ("runtime/default", "docker/default"):
            continue
        if not str(value).startswith("localhost/"):
            yield (
                f"annotation {key}: {show(value)} is not a confined seccomp profile; "
                "use 'runtime/default' or a 'localhost/' profile",
                pod.annotation_at(key),
            )


def explicit_seccomp(pod: Pod) -> Iterator[Violation]:
    """Seccomp profiles set to anything but RuntimeDefault or Localhost."""
    yield from confined_profiles(pod, "seccompProfile", "")

"""The Baseline level: one PSA check each, with the policy versions that changed it."""

from __future__ import annotations

from generator.rules.pod_security import profiles, sysctls
from generator.rules.pod_security.check import Level, PsaCheck
from generator.rules.pod_security.host import (
    host_namespaces_1_0,
    host_path_volumes_1_0,
    host_ports_1_0,
    host_probes_and_host_lifecycle_1_34,
    privileged_1_0,
    windows_host_process_1_0,
)

PRIVILEGED = PsaCheck(
    "privileged",
    Level.BASELINE,
    "containers must not run privileged",
    "Privileged containers disable most isolation. "
    "securityContext.privileged must be unset or false on every container.",
    [((1, 0), privileged_1_0)],
)
HOST_NAMESPACES = PsaCheck(
    "hostNamespaces",
    Level.BASELINE,
    "pods must not share the node's network, PID or IPC namespace",
    "spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or false.",
    [((1, 0), host_namespaces_1_0)],
)
HOST_PATH_VOLUMES = PsaCheck(
    "hostPathVolumes",
    Level.BASELINE,
    "pods must not mount hostPath volumes",
    "A hostPath volume exposes the node's filesystem; spec.volumes[*].hostPath must be unset.",
    [((1, 0), host_path_volumes_1_0)],
)
HOST_PORTS = PsaCheck(
    "hostPorts",
    Level.BASELINE,
    "containers must not bind host ports",
    "ports[*].hostPort must be unset or 0 on every container.",
    [((1, 0), host_ports_1_0)],
)
HOST_PROBES_AND_HOST_LIFECYCLE = PsaCheck(
    "hostProbesAndHostLifecycle",
    Level.BASELINE,
    "probes and lifecycle hooks must not target another host",
    "httpGet.host and tcpSocket.host of liveness, readiness and startup probes and of "
    "postStart and preStop hooks must be unset or empty (policy version 1.34 and later).",
    [((1, 34), host_probes_and_host_lifecycle_1_34)],
)
WINDOWS_HOST_PROCESS = PsaCheck(
    "windowsHostProcess",
    Level.BASELINE,
    "pods must not run Windows HostProcess containers",
    "securityContext.windowsOptions.hostProcess must be unset or false on the pod and "
    "every container.",
    [((1, 0), windows_host_process_1_0)],
)
CAPABILITIES_BASELINE = PsaCheck(
    "capabilities_baseline",
    Level.BASELINE,
    "containers may add only the default capabilities",
    "securityContext.capabilities.add may name only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, "
    "FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and "
    "SYS_CHROOT, spelled exactly so.",
    [((1, 0), profiles.capabilities_baseline_1_0)],
)
APP_ARMOR_PROFILE = PsaCheck(
    "appArmorProfile",
    Level.BASELINE,
    "AppArmor must not be disabled",
    "securityContext.appArmorProfile.type (pod and containers) must be RuntimeDefault or "
    "Localhost, and container.apparmor.security.beta.kubernetes.io/* annotations "
    "runtime/default or localhost/*.",
    [((1, 0), profiles.app_armor_profile_1_0)],
)
SE_LINUX_OPTIONS = PsaCheck(
    "seLinuxOptions",
    Level.BASELINE,
    "SELinux options must not be customised",
    "seLinuxOptions.type must be unset or container_t, container_init_t, container_kvm_t "
    "(and container_engine_t since 1.31); seLinuxOptions.user and .role must be unset.",
    [
        ((1, 0), profiles.se_linux_options(profiles.SELINUX_TYPES_1_0)),
        ((1, 31), profiles.se_linux_options(profiles.SELINUX_TYPES_1_31)),
    ],
)
PROC_MOUNT = PsaCheck(
    "procMount",
    Level.BASELINE,
    "containers must keep the default /proc masks",
    "securityContext.procMount must be unset or Default; since 1.35 a pod with "
    "spec.hostUsers: false (a user namespace) may set Unmasked.",
    [((1, 0), profiles.proc_mount_1_0), ((1, 35), profiles.proc_mount_1_35)],
)
SECCOMP_PROFILE_BASELINE = PsaCheck(
    "seccompProfile_baseline",
    Level.BASELINE,
    "seccomp must not be disabled",
    "securityContext.seccompProfile.type (pod and containers) must be unset, "
    "RuntimeDefault or Localhost; before 1.19 the seccomp annotations are checked instead.",
    [((1, 0), profiles.seccomp_profile_baseline_1_0), ((1, 19), profiles.explicit_seccomp)],
)
SYSCTLS = PsaCheck(
    "sysctls",
    Level.BASELINE,
    "pods may set only safe sysctls",
    "spec.securityContext.sysctls may name only the safe, namespaced sysctls of the "
    "policy version (the set grew in 1.27, 1.29, 1.32 and 1.37).",
    [
        ((1, 0), sysctls.sysctls(sysctls.SYSCTLS_1_0)),
        ((1, 27), sysctls.sysctls(sysctls.SYSCTLS_1_27)),
        ((1, 29), sysctls.sysctls(sysctls.SYSCTLS_1_29)),
        ((1, 32), sysctls.sysctls(sysctls.SYSCTLS_1_32)),
        ((1, 37), sysctls.sysctls(sysctls.SYSCTLS_1_37)),
    ],
)

BASELINE: tuple[PsaCheck, ...] = (
    PRIVILEGED,
    HOST_NAMESPACES,
    HOST_PATH_VOLUMES,
    HOST_PORTS,
    CAPABILITIES_BASELINE,
    APP_ARMOR_PROFILE,
    SE_LINUX_OPTIONS,
    PROC_MOUNT,
    SECCOMP_PROFILE_BASELINE,
    SYSCTLS,
    WINDOWS_HOST_PROCESS,
    HOST_PROBES_AND_HOST_LIFECYCLE,
)

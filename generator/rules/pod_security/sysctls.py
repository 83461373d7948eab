"""The baseline sysctls check: only safe, namespaced sysctls, a set that grows by version."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from generator.k8s.display import show
from generator.rules.pod_security.check import PodCheck, Violation
from generator.rules.pod_security.pods import Pod, items

SYSCTLS_1_0 = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start",
    }
)
SYSCTLS_1_27 = SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
SYSCTLS_1_29 = SYSCTLS_1_27 | {
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
}
SYSCTLS_1_32 = SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}
SYSCTLS_1_37 = SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def sysctls(allowed: frozenset[str]) -> PodCheck:
    def check(pod: Pod) -> Iterator[Violation]:
        for index, sysctl in items(pod.spec("securityContext", "sysctls")):
            name = sysctl.get("name") if isinstance(sysctl, Mapping) else None
            if name not in allowed:
                yield (
                    f"pod sets sysctl {show(name)}, which is not in the safe set; remove it "
                    "(only safe, namespaced sysctls may be set)",
                    pod.spec_at("securityContext", "sysctls", index, "name"),
                )

    return check

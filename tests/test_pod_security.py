"""The pod-security rules: table, levels, version gating, workload kinds and whole outputs."""

import pytest

from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.pod_security import RULES
from generator.rules.pod_security.check import LATEST, parse_version

BY_ID = {entry.rule.id: entry for entry in RULES}
BASELINE_IDS = [
    "pod-security-privileged",
    "pod-security-host-namespaces",
    "pod-security-host-path-volumes",
    "pod-security-host-ports",
    "pod-security-capabilities-baseline",
    "pod-security-app-armor-profile",
    "pod-security-se-linux-options",
    "pod-security-proc-mount",
    "pod-security-seccomp-profile-baseline",
    "pod-security-sysctls",
    "pod-security-windows-host-process",
    "pod-security-host-probes-and-host-lifecycle",
]
RESTRICTED_IDS = [
    "pod-security-allow-privilege-escalation",
    "pod-security-capabilities-restricted",
    "pod-security-restricted-volumes",
    "pod-security-run-as-non-root",
    "pod-security-run-as-user",
    "pod-security-seccomp-profile-restricted",
    "pod-security-proc-mount-restricted",
]


def run(rule_id, text, level, version):
    """(applies, [(line, column)]) of one rule over a manifest text."""
    ctx = RuleContext(kubernetes_version=version, pod_security_level=level)
    entry = BY_ID[rule_id]
    found = list(entry.check(load_manifests(text, "m.yaml"), ctx))
    return entry.applies(ctx), [(f.line, f.column) for f in found]


def test_one_rule_per_psa_check():
    assert [entry.rule.id for entry in RULES] == BASELINE_IDS + RESTRICTED_IDS
    assert {entry.rule.family for entry in RULES} == {"pod-security"}


@pytest.mark.parametrize(
    ("level", "in_force"),
    [
        (None, []),
        ("privileged", []),
        ("baseline", BASELINE_IDS),
        ("restricted", BASELINE_IDS + RESTRICTED_IDS),
    ],
)
def test_rules_in_force_by_level(level, in_force):
    ctx = RuleContext(kubernetes_version="1.37", pod_security_level=level)
    assert [entry.rule.id for entry in RULES if entry.applies(ctx)] == in_force


def pod(spec, annotations=""):
    return (
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"
        + (f"  annotations:\n    {annotations}\n" if annotations else "")
        + "spec:\n"
        + spec
    )


CONTAINER = "  containers:\n    - name: c\n      image: i:1\n"
UNMASKED = pod(
    "  hostUsers: false\n" + CONTAINER + "      securityContext:\n        procMount: Unmasked\n"
)
NO_RUN_AS_NON_ROOT = pod("  hostUsers: false\n" + CONTAINER)
ROOT_USER = pod("  hostUsers: false\n  securityContext:\n    runAsUser: 0\n" + CONTAINER)
WINDOWS = pod("  os:\n    name: windows\n" + CONTAINER)
SYSCTL = pod("  securityContext:\n    sysctls:\n      - name: {}\n        value: '1'\n" + CONTAINER)
SELINUX = pod(
    "  securityContext:\n    seLinuxOptions:\n      type: container_engine_t\n" + CONTAINER
)
PROBE_HOST = pod(
    CONTAINER
    + "      readinessProbe:\n        tcpSocket:\n          host: db\n          port: 5432\n"
)
SECCOMP_ANNOTATION = pod(CONTAINER, "seccomp.security.alpha.kubernetes.io/pod: unconfined")


@pytest.mark.parametrize(
    ("rule_id", "text", "level", "version", "expected"),
    [
        # hostProbesAndHostLifecycle exists since 1.34.
        (
            "pod-security-host-probes-and-host-lifecycle",
            PROBE_HOST,
            "baseline",
            "1.33",
            (False, []),
        ),
        (
            "pod-security-host-probes-and-host-lifecycle",
            PROBE_HOST,
            "baseline",
            "1.34",
            (True, [(11, 11)]),
        ),
        # The safe sysctls grew in 1.32 and 1.37.
        (
            "pod-security-sysctls",
            SYSCTL.format("net.ipv4.tcp_rmem"),
            "baseline",
            "1.31",
            (True, [(8, 9)]),
        ),
        (
            "pod-security-sysctls",
            SYSCTL.format("net.ipv4.tcp_rmem"),
            "baseline",
            "1.32",
            (True, []),
        ),
        (
            "pod-security-sysctls",
            SYSCTL.format("net.ipv4.tcp_notsent_lowat"),
            "baseline",
            "1.36",
            (True, [(8, 9)]),
        ),
        (
            "pod-security-sysctls",
            SYSCTL.format("net.ipv4.tcp_notsent_lowat"),
            "baseline",
            "1.37",
            (True, []),
        ),
        # container_engine_t is allowed since 1.31.
        ("pod-security-se-linux-options", SELINUX, "baseline", "1.30", (True, [(8, 7)])),
        ("pod-security-se-linux-options", SELINUX, "baseline", "v1.31.4", (True, [])),
        # Since 1.35 a user namespace relaxes procMount at the baseline, not at restricted.
        ("pod-security-proc-mount", UNMASKED, "baseline", "1.34", (True, [(11, 9)])),
        ("pod-security-proc-mount", UNMASKED, "baseline", "1.35", (True, [])),
        ("pod-security-proc-mount-restricted", UNMASKED, "restricted", "1.34", (False, [])),
        ("pod-security-proc-mount-restricted", UNMASKED, "restricted", "1.35", (True, [(11, 9)])),
        # Since 1.35 a user namespace relaxes runAsNonRoot and runAsUser.
        (
            "pod-security-run-as-non-root",
            NO_RUN_AS_NON_ROOT,
            "restricted",
            "1.34",
            (True, [(8, 7)]),
        ),
        ("pod-security-run-as-non-root", NO_RUN_AS_NON_ROOT, "restricted", "1.35", (True, [])),
        ("pod-security-run-as-user", ROOT_USER, "restricted", "1.22", (False, [])),
        ("pod-security-run-as-user", ROOT_USER, "restricted", "1.34", (True, [(8, 5)])),
        ("pod-security-run-as-user", ROOT_USER, "restricted", "1.35", (True, [])),
        # Since 1.25 Windows pods are exempt from three restricted checks.
        (
            "pod-security-allow-privilege-escalation",
            WINDOWS,
            "restricted",
            "1.24",
            (True, [(9, 7)]),
        ),
        ("pod-security-allow-privilege-escalation", WINDOWS, "restricted", "1.25", (True, [])),
        ("pod-security-capabilities-restricted", WINDOWS, "restricted", "1.21", (False, [])),
        ("pod-security-capabilities-restricted", WINDOWS, "restricted", "1.24", (True, [(9, 7)])),
        ("pod-security-capabilities-restricted", WINDOWS, "restricted", "1.25", (True, [])),
        ("pod-security-seccomp-profile-restricted", WINDOWS, "restricted", "1.18", (False, [])),
        (
            "pod-security-seccomp-profile-restricted",
            WINDOWS,
            "restricted",
            "1.24",
            (True, [(9, 7)]),
        ),
        ("pod-security-seccomp-profile-restricted", WINDOWS, "restricted", "latest", (True, [])),
        # Before 1.19 the baseline reads the seccomp annotations, since then the fields.
        (
            "pod-security-seccomp-profile-baseline",
            SECCOMP_ANNOTATION,
            "baseline",
            "1.18",
            (True, [(6, 5)]),
        ),
        (
            "pod-security-seccomp-profile-baseline",
            SECCOMP_ANNOTATION,
            "baseline",
            "1.19",
            (True, []),
        ),
    ],
)
def test_version_gating(rule_id, text, level, version, expected):
    assert run(rule_id, text, level, version) == expected


WORKLOADS = """\
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: ops
spec:
  containers:
    - name: app
      image: app:1
  ephemeralContainers:
    - name: shell
      image: busybox:1
      securityContext:
        privileged: true
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: init:1
          securityContext: {privileged: true}
      containers:
        - name: db
          image: db:1
          securityContext: {privileged: false}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
  namespace: ops
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: backup
              image: backup:1
              securityContext:
                privileged: true
"""


def test_every_workload_kind_and_container_list_with_its_resource():
    for kind, api in [
        ("Deployment", "apps/v1"),
        ("DaemonSet", "apps/v1"),
        ("ReplicaSet", "apps/v1"),
        ("ReplicationController", "v1"),
        ("Job", "batch/v1"),
    ]:
        text = WORKLOADS.replace("kind: StatefulSet", f"kind: {kind}").replace(
            "apiVersion: apps/v1", f"apiVersion: {api}"
        )
        ctx = RuleContext(kubernetes_version="1.37", pod_security_level="baseline")
        found = BY_ID["pod-security-privileged"].check(load_manifests(text, "w.yaml"), ctx)
        assert [
            (f.line, f.column, f.resource.kind, f.resource.name, f.resource.namespace)
            for f in found
        ] == [
            (14, 9, "Pod", "debug", "ops"),
            (34, 29, kind, "db", None),
            (55, 17, "CronJob", "backup", "ops"),
        ]


def test_whole_output_one_finding_per_field():
    text = pod(
        "  hostNetwork: true\n"
        "  hostPID: true\n"
        "  securityContext:\n"
        "    runAsUser: 0\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: web:1\n"
        "      securityContext:\n"
        "        allowPrivilegeEscalation: true\n"
        "        capabilities:\n"
        "          add: [NET_RAW, SYS_ADMIN]\n"
        "          drop: [ALL]\n"
        "  volumes:\n"
        "    - name: v0\n"
        "    - name: v1\n"
        "      hostPath:\n"
        "        path: /etc\n"
    )
    ctx = RuleContext(kubernetes_version="1.37", pod_security_level="restricted")
    manifests = load_manifests(text, "pod.yaml")
    found = sorted(
        (f for entry in RULES if entry.applies(ctx) for f in entry.check(manifests, ctx)),
        key=lambda f: f.sort_key(),
    )
    assert [str(f) for f in found] == [
        "pod.yaml:6:3: error: pod sets hostNetwork: true and shares the node's namespace; "
        "remove it or set it to false (pod-security-host-namespaces)",
        "pod.yaml:7:3: error: pod sets hostPID: true and shares the node's namespace; "
        "remove it or set it to false (pod-security-host-namespaces)",
        "pod.yaml:9:5: error: pod sets securityContext.runAsUser: 0 (root); use a non-zero "
        "user id (pod-security-run-as-user)",
        "pod.yaml:13:7: error: container 'web' may run as root: neither it nor the pod sets "
        "securityContext.runAsNonRoot; set runAsNonRoot: true in the pod's securityContext "
        "(pod-security-run-as-non-root)",
        "pod.yaml:13:7: error: container 'web' has no seccomp profile: neither it nor the pod "
        "sets securityContext.seccompProfile; set seccompProfile.type: RuntimeDefault in the "
        "pod's securityContext (pod-security-seccomp-profile-restricted)",
        "pod.yaml:14:9: error: container 'web' sets securityContext.allowPrivilegeEscalation: "
        "true; set it to false (pod-security-allow-privilege-escalation)",
        "pod.yaml:16:17: error: container 'web' adds capability 'NET_RAW'; remove it (only the "
        "default set may be added, spelled like 'CHOWN') (pod-security-capabilities-baseline)",
        "pod.yaml:16:17: error: container 'web' adds capability 'NET_RAW'; remove it (only "
        "NET_BIND_SERVICE may be added) (pod-security-capabilities-restricted)",
        "pod.yaml:16:26: error: container 'web' adds capability 'SYS_ADMIN'; remove it (only "
        "the default set may be added, spelled like 'CHOWN') (pod-security-capabilities-baseline)",
        "pod.yaml:16:26: error: container 'web' adds capability 'SYS_ADMIN'; remove it (only "
        "NET_BIND_SERVICE may be added) (pod-security-capabilities-restricted)",
        "pod.yaml:21:7: error: volume 'v1' mounts hostPath '/etc' from the node; use a "
        "persistentVolumeClaim, emptyDir, configMap or secret volume instead "
        "(pod-security-host-path-volumes)",
        "pod.yaml:21:7: error: volume 'v1' uses the restricted volume type 'hostPath'; use a "
        "persistentVolumeClaim (or configMap, secret, emptyDir, projected, downwardAPI, csi, "
        "ephemeral, image) instead (pod-security-restricted-volumes)",
    ]


def test_unnamed_containers_and_volumes_and_null_values():
    text = pod(
        "  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}\n"
        "  initContainers:\n"
        "    - image: init:1\n"
        "      securityContext:\n"
        "        allowPrivilegeEscalation: false\n"
        "        capabilities: {drop: [All], add: [null]}\n"
        "  containers:\n"
        "    - name: web\n"
        "      image: web:1\n"
        "      securityContext:\n"
        "        allowPrivilegeEscalation: false\n"
        "        capabilities: {drop: [all]}\n"
        "    - image: side:1\n"
        "      securityContext: {allowPrivilegeEscalation: null, capabilities: {drop: [ALL]}}\n"
        "  volumes:\n"
        "    - hostPath: {path: null}\n"
    )
    ctx = RuleContext(kubernetes_version="1.37", pod_security_level="restricted")
    manifests = load_manifests(text, "pod.yaml")
    found = sorted(
        (f for entry in RULES if entry.applies(ctx) for f in entry.check(manifests, ctx)),
        key=lambda f: f.sort_key(),
    )
    assert [str(f) for f in found] == [
        "pod.yaml:11:24: error: init container 'initContainers[0]' drops 'All', not ALL: Pod "
        "Security accepts only the upper-case ALL; set securityContext.capabilities.drop: [ALL] "
        "(pod-security-capabilities-restricted)",
        "pod.yaml:11:43: error: init container 'initContainers[0]' adds capability null; remove "
        "it (only the default set may be added, spelled like 'CHOWN') "
        "(pod-security-capabilities-baseline)",
        "pod.yaml:11:43: error: init container 'initContainers[0]' adds capability null; remove "
        "it (only NET_BIND_SERVICE may be added) (pod-security-capabilities-restricted)",
        "pod.yaml:17:24: error: container 'web' drops 'all', not ALL: Pod Security accepts only "
        "the upper-case ALL; set securityContext.capabilities.drop: [ALL] "
        "(pod-security-capabilities-restricted)",
        "pod.yaml:19:25: error: container 'containers[1]' does not set "
        "securityContext.allowPrivilegeEscalation; set it to false "
        "(pod-security-allow-privilege-escalation)",
        "pod.yaml:21:7: error: volume (no name) mounts hostPath null from the node; use a "
        "persistentVolumeClaim, emptyDir, configMap or secret volume instead "
        "(pod-security-host-path-volumes)",
        "pod.yaml:21:7: error: volume (no name) uses the restricted volume type 'hostPath'; use "
        "a persistentVolumeClaim (or configMap, secret, emptyDir, projected, downwardAPI, csi, "
        "ephemeral, image) instead (pod-security-restricted-volumes)",
    ]


@pytest.mark.parametrize(
    ("text", "version"),
    [("1.31", (1, 31)), ("v1.31.2", (1, 31)), (" 1.9 ", (1, 9)), ("latest", LATEST)],
)
def test_parse_version(text, version):
    assert parse_version(text) == version


def test_parse_version_rejects_other_text():
    with pytest.raises(
        ValueError, match=r"^Kubernetes version '1' is not MAJOR.MINOR \(e.g. '1.31'\)$"
    ):
        parse_version("1")

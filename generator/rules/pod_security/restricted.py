"""The Restricted level: the checks it adds to the baseline, with their policy versions.

PSA lets some of these override a baseline check at the restricted level
(capabilities, seccomp, volumes, procMount); here both rules stay in force, so a
field both forbid is reported once by each rule and the verdict is PSA's.
"""

from __future__ import annotations

from generator.rules.pod_security import hardening
from generator.rules.pod_security.check import Level, PsaCheck
from generator.rules.pod_security.hardening import linux_only, outside_user_namespace

ALLOW_PRIVILEGE_ESCALATION = PsaCheck(
    "allowPrivilegeEscalation",
    Level.RESTRICTED,
    "containers must set allowPrivilegeEscalation: false",
    "securityContext.allowPrivilegeEscalation must be false on every container "
    "(since 1.8; since 1.25 Windows pods are exempt).",
    [
        ((1, 8), hardening.allow_privilege_escalation_1_8),
        ((1, 25), linux_only(hardening.allow_privilege_escalation_1_8)),
    ],
)
CAPABILITIES_RESTRICTED = PsaCheck(
    "capabilities_restricted",
    Level.RESTRICTED,
    "containers must drop ALL capabilities and add at most NET_BIND_SERVICE",
    "securityContext.capabilities.drop must contain ALL and capabilities.add may name only "
    "NET_BIND_SERVICE (since 1.22; since 1.25 Windows pods are exempt).",
    [
        ((1, 22), hardening.capabilities_restricted_1_22),
        ((1, 25), linux_only(hardening.capabilities_restricted_1_22)),
    ],
)
RESTRICTED_VOLUMES = PsaCheck(
    "restrictedVolumes",
    Level.RESTRICTED,
    "pods may use only core volume types",
    "Volumes must be configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
    "persistentVolumeClaim, projected or secret.",
    [((1, 0), hardening.restricted_volumes_1_0)],
)
RUN_AS_NON_ROOT = PsaCheck(
    "runAsNonRoot",
    Level.RESTRICTED,
    "containers must run as non-root",
    "securityContext.runAsNonRoot must be true on the pod or on every container, and false "
    "nowhere; since 1.35 pods with spec.hostUsers: false are exempt.",
    [
        ((1, 0), hardening.run_as_non_root_1_0),
        ((1, 35), outside_user_namespace(hardening.run_as_non_root_1_0)),
    ],
)
RUN_AS_USER = PsaCheck(
    "runAsUser",
    Level.RESTRICTED,
    "containers must not run as user 0",
    "securityContext.runAsUser must not be 0 on the pod or any container (since 1.23; "
    "since 1.35 pods with spec.hostUsers: false are exempt).",
    [
        ((1, 23), hardening.run_as_user_1_23),
        ((1, 35), outside_user_namespace(hardening.run_as_user_1_23)),
    ],
)
SECCOMP_PROFILE_RESTRICTED = PsaCheck(
    "seccompProfile_restricted",
    Level.RESTRICTED,
    "pods must set a RuntimeDefault or Localhost seccomp profile",
    "securityContext.seccompProfile.type must be RuntimeDefault or Localhost on the pod or "
    "on every container (since 1.19; since 1.25 Windows pods are exempt).",
    [
        ((1, 19), hardening.seccomp_profile_restricted_1_19),
        ((1, 25), linux_only(hardening.seccomp_profile_restricted_1_19)),
    ],
)
PROC_MOUNT_RESTRICTED = PsaCheck(
    "procMount_restricted",
    Level.RESTRICTED,
    "containers must keep the default /proc masks, also in a user namespace",
    "securityContext.procMount must be unset or Default even when spec.hostUsers is false "
    "(since 1.35; before, the baseline procMount check already demanded it).",
    [((1, 35), hardening.proc_mount_restricted_1_35)],
)

RESTRICTED: tuple[PsaCheck, ...] = (
    ALLOW_PRIVILEGE_ESCALATION,
    CAPABILITIES_RESTRICTED,
    RESTRICTED_VOLUMES,
    RUN_AS_NON_ROOT,
    RUN_AS_USER,
    SECCOMP_PROFILE_RESTRICTED,
    PROC_MOUNT_RESTRICTED,
)

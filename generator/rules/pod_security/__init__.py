"""`pod-security-` rules: the Pod Security Standards, one rule per Pod Security Admission check.

Each rule is named after its PSA check (`hostProbesAndHostLifecycle` becomes
`pod-security-host-probes-and-host-lifecycle`) and is in force where the context's
`pod_security_level` is at or above the check's level. It checks Pods and the pod
templates of Deployments, StatefulSets, DaemonSets, ReplicaSets, ReplicationControllers,
Jobs and CronJobs, in init, regular and ephemeral containers, with the semantics of the
newest PSA policy version not newer than the context's `kubernetes_version`. Every
offending field is its own finding, positioned at that field (or at the nearest parent
when a required field is missing).
"""

from __future__ import annotations

from generator.rule import ManifestRule
from generator.rules.pod_security.baseline import BASELINE
from generator.rules.pod_security.check import PsaCheck
from generator.rules.pod_security.restricted import RESTRICTED

CHECKS: tuple[PsaCheck, ...] = (*BASELINE, *RESTRICTED)

RULES: tuple[ManifestRule, ...] = tuple(check.manifest_rule() for check in CHECKS)

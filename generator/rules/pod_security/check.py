"""A Pod Security Admission check as data: its PSA id, level and versioned semantics.

Like PSA, a check has one implementation per policy version that changed it; a
context's `kubernetes_version` selects the newest implementation not newer than it,
and a check whose first version is newer than the context is not in force.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum

from generator.finding import Finding, Severity
from generator.manifest import Manifest, NodePath
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.pod_security.pods import Pod, pods

Version = tuple[int, int]
Violation = tuple[str, NodePath]  # message, node the finding points at
PodCheck = Callable[[Pod], Iterator[Violation]]

LATEST: Version = (1, 1_000_000)
_VERSION = re.compile(r"v?(\d+)\.(\d+)(?:\.\d+)?")


class Level(IntEnum):
    PRIVILEGED = 0
    BASELINE = 1
    RESTRICTED = 2


def parse_level(text: str | None) -> Level:
    """The Pod Security level of a context; no level means nothing is enforced."""
    return Level[text.upper()] if text and text.upper() in Level.__members__ else Level.PRIVILEGED


def parse_version(text: str) -> Version:
    """`1.31`, `v1.31` or `1.31.2` as (1, 31); `latest` as the newest version."""
    if text.strip().lower() == "latest":
        return LATEST
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"Kubernetes version {text!r} is not MAJOR.MINOR (e.g. '1.31')")
    return int(match.group(1)), int(match.group(2))


def kebab(check_id: str) -> str:
    """PSA check ids in kebab case: `seccompProfile_baseline` -> `seccomp-profile-baseline`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", check_id).replace("_", "-").lower()


@dataclass(frozen=True)
class PsaCheck:
    check_id: str  # the PSA id, e.g. "hostNamespaces"
    level: Level
    summary: str
    description: str
    versions: Sequence[tuple[Version, PodCheck]]  # ascending minimum versions

    @property
    def rule_id(self) -> str:
        return "pod-security-" + kebab(self.check_id)

    def for_version(self, kubernetes_version: str) -> PodCheck | None:
        wanted = parse_version(kubernetes_version)
        chosen = None
        for minimum, check in self.versions:
            if minimum <= wanted:
                chosen = check
        return chosen

    def applies(self, ctx: RuleContext) -> bool:
        return (
            parse_level(ctx.pod_security_level) >= self.level
            and self.for_version(ctx.kubernetes_version) is not None
        )

    def manifest_rule(self) -> ManifestRule:
        rule = Rule(
            id=self.rule_id,
            severity=Severity.ERROR,
            summary=self.summary,
            description=self.description,
        )

        def check(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterable[Finding]:
            pod_check = self.for_version(ctx.kubernetes_version)
            if pod_check is None:
                return
            for pod in pods(manifests):
                for message, node in pod_check(pod):
                    yield rule.finding(
                        message,
                        pod.manifest.position(*node),
                        pod.manifest.resource,
                        ctx.environment,
                    )

        return ManifestRule(rule=rule, check=check, applies=self.applies)

"""A rule is data (id, severity, documentation with examples) plus a check function.

Families register their rules in one explicit table each (see `generator.rules`);
the registry is what `gitopsgen rules`, `gitopsgen explain` and `docs/rules.md` read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from generator.finding import Finding, Position, Resource, Severity
from generator.manifest import Manifest

FAMILIES: tuple[str, ...] = (
    "catalog",
    "schema",
    "pod-security",
    "image",
    "workload",
    "quota",
    "network",
    "secrets",
    "rbac",
    "argocd",
    "chart",
    "promotion",
    "tree",
    "api",
)


@dataclass(frozen=True)
class RuleContext:
    """What a manifest rule knows of where the objects run.

    In `validate` this comes from the catalog's environment; in `lint` from the flags.
    """

    kubernetes_version: str
    pod_security_level: str | None = None  # privileged | baseline | restricted
    image_policy: str | None = None  # tag | semver | digest
    min_replicas: int | None = None
    environment: str | None = None
    namespace: str | None = None
    # Group -> ClusterRole (view | edit | admin) the catalog grants in the namespace.
    access: Mapping[str, str] | None = None
    # Ingress name -> the host the environment's (or app's) host template gives it.
    ingress_hosts: Mapping[str, str] | None = None
    backups: bool = False  # the environment backs up its volumes with Velero (`backups`)


@dataclass(frozen=True)
class Rule:
    """A rule's data. Its failing and passing examples live in
    `generator/rules/examples/<id>/{fail,pass}.yaml` (see `generator.rules.examples`)."""

    id: str
    severity: Severity
    summary: str
    description: str

    @property
    def family(self) -> str:
        for family in sorted(FAMILIES, key=len, reverse=True):
            if self.id.startswith(family + "-"):
                return family
        raise ValueError(f"rule id {self.id!r} has no known family prefix")

    def finding(
        self,
        message: str,
        position: Position,
        resource: Resource | None = None,
        environment: str | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            rule=self.id,
            severity=severity or self.severity,
            message=message,
            position=position,
            resource=resource,
            environment=environment,
        )


ManifestCheck = Callable[[Sequence[Manifest], RuleContext], Iterable[Finding]]


def always(_: RuleContext) -> bool:
    return True


@dataclass(frozen=True)
class ManifestRule:
    """A rule over the objects of one environment (validate) or one lint run.

    `applies` says whether the rule is in force for a context, e.g. digest pinning
    only where the environment's `imagePolicy` is `digest`.
    """

    rule: Rule
    check: ManifestCheck
    applies: Callable[[RuleContext], bool] = always

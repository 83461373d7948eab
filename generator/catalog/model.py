"""The catalog model: frozen plain data, resolved (defaults < app < environment) and ordered.

Mappings keyed by names are sorted by name when the model is built, so the order of keys
in catalog.yaml never shows in the output; environments keep their order (promotion order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.manifest import NodePath

Quantities = Mapping[str, str]


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    kubernetes_version: str
    ingress_class: str
    ingress_namespace: str
    monitoring_namespace: str


@dataclass(frozen=True)
class Team:
    name: str
    groups: tuple[str, ...]
    github: tuple[str, ...]


@dataclass(frozen=True)
class LimitRange:
    default: Quantities
    default_request: Quantities
    max: Quantities
    min: Quantities


@dataclass(frozen=True)
class Environment:
    name: str
    index: int  # position in the promotion order
    cluster: str
    namespace: str
    host: str | None
    sync: str
    pod_security: str
    image_policy: str
    min_replicas: int | None
    secret_store: str | None
    secret_store_kind: str
    access: Mapping[str, str]  # team -> view | edit | admin
    quota: Quantities
    limit_range: LimitRange | None


@dataclass(frozen=True)
class Probe:
    kind: str  # http | grpc | tcp | exec
    path: str | None
    command: tuple[str, ...]
    port: int | None
    timing: Mapping[str, int]


@dataclass(frozen=True)
class Resources:
    requests: Quantities
    limits: Quantities


@dataclass(frozen=True)
class Autoscaling:
    min_replicas: int
    max_replicas: int
    target_cpu: int


@dataclass(frozen=True)
class SecretRef:
    name: str  # environment variable name in the container
    key: str
    property: str | None


@dataclass(frozen=True)
class Suppression:
    rule: str
    reason: str
    environments: tuple[str, ...]  # empty: every environment


@dataclass(frozen=True)
class Workload:
    """The values that may differ per environment."""

    replicas: int
    resources: Resources
    config: Mapping[str, str]
    autoscaling: Autoscaling | None


@dataclass(frozen=True)
class Deployment:
    """An app in one environment, with its values resolved."""

    app: str
    environment: str
    enabled: bool
    version: str
    hotfix: str | None
    values: Workload


@dataclass(frozen=True)
class App:
    name: str
    team: str
    image: str
    port: int | None
    service_port: int | None
    ingress_host: str | None
    ingress_path: str | None
    metrics_port: int | None
    metrics_path: str
    writable_paths: tuple[str, ...]
    probes: Mapping[str, Probe]  # readiness | liveness | startup
    secrets: tuple[SecretRef, ...]
    depends_on: tuple[str, ...]
    suppressions: tuple[Suppression, ...]
    values: Workload  # defaults < app: what base/<app> carries
    deployments: tuple[Deployment, ...]  # one per environment, in promotion order

    @property
    def has_ingress(self) -> bool:
        return self.ingress_path is not None or self.ingress_host is not None

    def deployment(self, environment: str) -> Deployment:
        for deployment in self.deployments:
            if deployment.environment == environment:
                return deployment
        raise KeyError(environment)


@dataclass(frozen=True)
class Catalog:
    path: str  # as given, relative to the repository root where possible
    api_version: str
    repository_url: str
    repository_revision: str
    argocd_namespace: str
    clusters: tuple[Cluster, ...]  # sorted by name
    teams: tuple[Team, ...]  # sorted by name
    environments: tuple[Environment, ...]  # promotion order
    apps: tuple[App, ...]  # sorted by name
    positions: Mapping[NodePath, tuple[int, int]]  # where each catalog key is (1-based)
    raw: Any  # the document as plain data, for checks that need what was written

    def cluster(self, name: str) -> Cluster:
        return next(c for c in self.clusters if c.name == name)

    def environment(self, name: str) -> Environment:
        return next(e for e in self.environments if e.name == name)

    def app(self, name: str) -> App:
        return next(a for a in self.apps if a.name == name)

    def team(self, name: str) -> Team:
        return next(t for t in self.teams if t.name == name)

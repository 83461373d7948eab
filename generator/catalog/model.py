"""The catalog model: frozen plain data, resolved (defaults < app < environment) and ordered.

Mappings keyed by names are sorted by name when the model is built, so the order of keys
in catalog.yaml never shows in the output; environments keep their order (promotion order).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.manifest import NodePath

Quantities = Mapping[str, str]


@dataclass(frozen=True)
class Chart:
    """A Helm chart: a Helm repository (`https://`) or an OCI registry (`oci://`), and the
    chart's name in it."""

    repo_url: str
    name: str

    @property
    def oci(self) -> bool:
        return self.repo_url.startswith("oci://")


@dataclass(frozen=True)
class Addon:
    """A platform chart installed once on a cluster (`clusters.<c>.addons.<name>`)."""

    name: str
    cluster: str
    chart: Chart
    version: str  # the chart version
    namespace: str
    values: Mapping[str, Any]  # Helm values, canonical (keys sorted)
    value_files: tuple[str, ...]  # hand-owned files in this repository
    hotfix: str | None = None  # the reason of a version that skipped a source cluster


@dataclass(frozen=True)
class Cluster:
    name: str
    server: str
    kubernetes_version: str
    ingress_class: str
    ingress_namespace: str
    monitoring_namespace: str
    cluster_issuer: str | None = None
    addons: tuple[Addon, ...] = ()  # sorted by name


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
    # The environments a version must have run in first; the one before it by default, none
    # for the first. A list makes the promotion order a DAG.
    promotes_from: tuple[str, ...] = ()
    backup_location: str | None = None  # `backups.storageLocation`: Velero's BackupStorageLocation
    backup_namespace: str | None = None  # `backups.namespace`: Velero's, where its Schedules live
    backup_volumes: str | None = None  # `backups.volumes`: snapshot | snapshotMoveData | fsBackup


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
class Port:
    """A named container port; `service_port` is what the Service listens on."""

    name: str
    port: int
    service_port: int
    protocol: str
    app_protocol: str | None


@dataclass(frozen=True)
class Volume:
    """A volume mounted at `mount_path`: persistent, emptyDir, or an existing ConfigMap or
    Secret (`source`)."""

    name: str
    mount_path: str
    kind: str  # persistent | emptyDir | configMap | secret
    size: str | None = None
    storage_class: str | None = None
    access_modes: tuple[str, ...] = ()
    medium: str | None = None
    size_limit: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Security:
    """The identity and the few relaxations the catalog may write (`securityContext`)."""

    run_as_user: int | None = None
    run_as_group: int | None = None
    fs_group: int | None = None
    run_as_non_root: bool | None = None
    read_only_root_filesystem: bool | None = None
    capabilities_add: tuple[str, ...] = ()
    seccomp_profile: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Container:
    """A sidecar or init container; `image` None runs the app's image at its version."""

    name: str
    image: str | None
    version: str | None
    command: tuple[str, ...] | None
    args: tuple[str, ...] | None
    env: Mapping[str, Mapping[str, Any]]
    ports: tuple[Port, ...]
    resources: Resources
    probes: Mapping[str, Probe]
    security: Security
    volumes: tuple[Volume, ...]


@dataclass(frozen=True)
class Workload:
    """The values that may differ per environment."""

    replicas: int
    resources: Resources
    config: Mapping[str, str]
    autoscaling: Autoscaling | None
    probes: Mapping[str, Probe] = field(default_factory=dict)  # readiness | liveness | startup
    command: tuple[str, ...] | None = None
    args: tuple[str, ...] | None = None
    env: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # name -> valueFrom
    security: Security = Security()
    volumes: tuple[Volume, ...] = ()  # by mount path
    annotations: Mapping[str, Mapping[str, str]] = field(default_factory=dict)  # pod, service ...
    pod_labels: Mapping[str, str] = field(default_factory=dict)
    scheduling: Mapping[str, Any] = field(default_factory=dict)
    termination_grace: int | None = None
    egress: tuple[Mapping[str, Any], ...] = ()
    sidecars: tuple[Container, ...] = ()
    init_containers: tuple[Container, ...] = ()
    components: tuple[str, ...] = ()
    schedule: str | None = None
    job: Mapping[str, Any] = field(default_factory=dict)
    helm_values: Mapping[str, Any] = field(default_factory=dict)  # a chart app's `values`
    value_files: tuple[str, ...] = ()  # a chart app's `valueFiles`, hand-owned


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
class Ingress:
    host: str | None
    paths: tuple[str, ...]
    port: str  # the Service port's name


@dataclass(frozen=True)
class Backup:
    """`apps.<app>.backup`: a Velero Schedule of the app's volumes where the environment has
    `backups`."""

    schedule: str  # cron
    ttl: str | None  # a Go duration (`720h`); Velero's default when None


@dataclass(frozen=True)
class App:
    name: str
    team: str
    image: str
    kind: str  # Deployment | StatefulSet | DaemonSet | CronJob | Job
    hook: str | None  # Argo CD resource hook of a Job
    ports: tuple[Port, ...]  # of the app's own container
    service: str | None  # ClusterIP | NodePort | LoadBalancer | Headless; None: no Service
    ingress: Ingress | None
    metrics_port: str | None  # a port name of any container
    metrics_path: str
    writable_paths: tuple[str, ...]
    secrets: tuple[SecretRef, ...]
    depends_on: tuple[str, ...]
    suppressions: tuple[Suppression, ...]
    values: Workload  # defaults < app: what base/<app> carries
    deployments: tuple[Deployment, ...]  # one per environment, in promotion order
    chart: Chart | None = None  # a chart app (`image` is then "")
    backup: Backup | None = None

    @property
    def has_ingress(self) -> bool:
        return self.ingress is not None

    @property
    def batch(self) -> bool:
        return self.kind in BATCH_KINDS

    @property
    def probes(self) -> Mapping[str, Probe]:
        return self.values.probes

    def find_port(self, name: str) -> Port | None:
        """The app container's port, or a sidecar's, by name (in the base values)."""
        for port in (*self.ports, *(p for s in self.values.sidecars for p in s.ports)):
            if port.name == name:
                return port
        return None

    def deployment(self, environment: str) -> Deployment:
        for deployment in self.deployments:
            if deployment.environment == environment:
                return deployment
        raise KeyError(environment)


BATCH_KINDS = frozenset({"CronJob", "Job"})
SCALED_KINDS = frozenset({"Deployment", "StatefulSet"})
# `job` fields that sit on the CronJob itself; the others go on its jobTemplate's spec.
CRONJOB_FIELDS = (
    "concurrencyPolicy",
    "failedJobsHistoryLimit",
    "startingDeadlineSeconds",
    "successfulJobsHistoryLimit",
    "suspend",
    "timeZone",
)


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

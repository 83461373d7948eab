"""A synthetic catalog of any number of apps for the scale benchmarks: deterministic (no
seed, no randomness: app i is always the same app), the three environments and two clusters
of the repository's catalog.yaml, apps spread over eight teams, and the shares a platform
team's catalog has:

- 80% Deployments: HTTP services (a port, most with an ingress on a host of their own,
  some with a ServiceMonitor), gRPC services, and queue workers (no port, an exec probe;
  some not in prod yet); 10% StatefulSets (a headless Service, a volume claim growing per
  environment); 10% CronJobs;
- config (per-environment overrides in dev), secrets under the team's `secretKeyPrefix`
  (`{team}/`), readiness and liveness probes, three sizes of resources, autoscaling in
  prod for half of the HTTP and every gRPC service, dependsOn edges to earlier apps only
  (acyclic), a version per environment (a digest in prod).

Quotas are sized from the apps themselves (the most each can run: replicas or the
autoscaler's maxReplicas, plus the 25% rolling surge, times the largest requests and
limits), with headroom, so any number of apps fits. `validate` finds nothing in the tree
it generates (tests/test_synthetic_catalog.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from math import ceil

import yaml

TEAMS = (
    "storefront",
    "payments",
    "search",
    "identity",
    "logistics",
    "data",
    "growth",
    "platform",
)
WORDS = ("cart", "checkout", "catalog", "orders", "users", "ledger", "pricing", "inventory")

# The kind of app i is SLOTS[i % 20]: the shares are exact for every multiple of 20 apps.
HTTP, GRPC, WORKER, STATEFUL, CRON = "http", "grpc", "worker", "stateful", "cron"
SLOTS = (
    HTTP,  # 0
    HTTP,  # 1  no ingress
    HTTP,  # 2
    CRON,  # 3
    HTTP,  # 4
    GRPC,  # 5
    HTTP,  # 6
    STATEFUL,  # 7
    HTTP,  # 8
    WORKER,  # 9
    HTTP,  # 10
    HTTP,  # 11 no ingress
    HTTP,  # 12
    CRON,  # 13
    HTTP,  # 14
    GRPC,  # 15
    HTTP,  # 16
    STATEFUL,  # 17
    HTTP,  # 18
    HTTP,  # 19
)
KINDS = {HTTP: "Deployment", GRPC: "Deployment", WORKER: "Deployment"}
KINDS |= {STATEFUL: "StatefulSet", CRON: "CronJob"}
SHARES = {"Deployment": 0.8, "StatefulSet": 0.1, "CronJob": 0.1}
NO_INGRESS = (1, 11)  # HTTP slots without an ingress (internal services)

# (requests cpu m, requests memory Mi, limits cpu m, limits memory Mi)
SIZES = ((50, 64, 250, 128), (100, 128, 500, 256), (250, 256, 1000, 512))
ENVIRONMENTS = ("dev", "staging", "prod")


@dataclass(frozen=True)
class Usage:
    """The most one app's pods take in one environment, as the quota counts them."""

    pods: int = 0
    cpu: int = 0  # requests, millicores
    memory: int = 0  # requests, Mi
    cpu_limit: int = 0
    memory_limit: int = 0
    claims: int = 0
    storage: int = 0  # Gi

    def __add__(self, other: Usage) -> Usage:
        return Usage(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return (
            self.pods,
            self.cpu,
            self.memory,
            self.cpu_limit,
            self.memory_limit,
            self.claims,
            self.storage,
        )


def name(i: int) -> str:
    return f"{WORDS[i % len(WORDS)]}-{i:04d}"


def role(i: int) -> str:
    return SLOTS[i % len(SLOTS)]


def kind(i: int) -> str:
    return KINDS[role(i)]


def team(i: int) -> str:
    return TEAMS[(i // 3) % len(TEAMS)]


def in_prod(i: int) -> bool:
    return not (role(i) == WORKER and i % 40 == 9)  # every other worker is not in prod yet


def has_ingress(i: int) -> bool:
    return role(i) == HTTP and i % 20 not in NO_INGRESS


def autoscaled(i: int) -> bool:
    return role(i) == GRPC or (role(i) == HTTP and i % 2 == 0)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def versions(i: int) -> tuple[str, str, str]:
    """dev runs the next minor, staging the release candidate of prod's version, prod the
    release by digest (a third of the apps lag one patch behind staging in prod)."""
    major, minor, patch = 1 + i % 3, i % 17, i % 5
    released = f"{major}.{minor}.{patch}"
    prod = released if i % 3 else f"{major}.{minor}.{max(patch - 1, 0)}"
    staging = f"{released}@sha256:{digest(name(i) + released)}"
    return f"{major}.{minor + 1}.0", staging, f"{prod}@sha256:{digest(name(i) + prod)}"


def dependencies(i: int) -> list[str]:
    """Up to two earlier apps that serve a port everywhere (a service, a store)."""
    if role(i) not in (HTTP, GRPC, WORKER):
        return []
    earlier = [j for j in range(max(0, i - 40), i) if role(j) in (HTTP, GRPC, STATEFUL)]
    picks = {earlier[(i * 7) % len(earlier)], earlier[(i * 13) % len(earlier)]} if earlier else ()
    return [name(j) for j in sorted(picks)][: 1 + i % 2]


def resources(size: tuple[int, int, int, int]) -> str:
    cpu, memory, cpu_limit, memory_limit = size
    return (
        f"{{requests: {{cpu: {cpu}m, memory: {memory}Mi}}, "
        f"limits: {{cpu: {cpu_limit}m, memory: {memory_limit}Mi}}}}"
    )


def pods_usage(pods: int, size: tuple[int, int, int, int]) -> Usage:
    cpu, memory, cpu_limit, memory_limit = size
    return Usage(pods, pods * cpu, pods * memory, pods * cpu_limit, pods * memory_limit)


def surged(replicas: int) -> int:
    return replicas + ceil(replicas / 4)


def app(i: int, bumped: bool = False) -> tuple[str, dict[str, Usage]]:
    """The catalog entry of app i and what it takes in each environment."""
    n, r, t = name(i), role(i), team(i)
    dev, staging, prod = versions(i)
    if bumped:
        dev = f"{dev}-next.1"
    size = SIZES[i % len(SIZES)]
    prod_size = SIZES[min(i % len(SIZES) + 1, len(SIZES) - 1)]
    lines = [f"  {n}:", f"    team: {t}", f"    image: registry.example.com/{t}/{n}"]
    if r in (STATEFUL, CRON):
        lines.append(f"    kind: {kind(i)}")
    envs = {"dev": f"version: {dev}", "staging": f"version: {staging}", "prod": f"version: {prod}"}
    usage: dict[str, Usage] = {}
    if r == HTTP:
        lines.append("    port: 8080")
        if i % 5 == 0:
            lines.append("    servicePort: 80")
        if has_ingress(i):
            lines.append(
                "    ingress: {paths: [/, /static]}" if i % 10 == 4 else "    ingress: {path: /}"
            )
        lines.append("    probes:")
        lines.append("      readiness: {path: /ready, initialDelaySeconds: 5}")
        lines.append("      liveness: {path: /live, periodSeconds: 20}")
        if i % 4 == 0:
            lines.append("    metrics: {port: 9090, path: /metrics}")
    elif r == GRPC:
        lines.append("    ports: {grpc: {port: 9000, appProtocol: grpc}}")
        lines.append("    probes:")
        lines.append("      readiness: {grpc: true, port: grpc}")
        lines.append("      liveness: {grpc: true, port: grpc, initialDelaySeconds: 10}")
    elif r == WORKER:
        lines.append("    command: [/app/worker]")
        lines.append(f"    args: [--queue={n}, --concurrency={2 + i % 6}]")
        lines.append("    probes: {liveness: {command: [/app/healthcheck]}}")
    elif r == STATEFUL:
        lines.append("    ports: {db: {port: 5432, appProtocol: postgresql}}")
        lines.append("    service: {headless: true}")
        lines.append("    securityContext: {runAsUser: 1001, runAsGroup: 1001, fsGroup: 1001}")
        lines.append("    volumes:")
        lines.append("      /var/lib/data: {size: 10Gi}")
        lines.append("      /var/run/db: {emptyDir: {}}")
        lines.append("    probes:")
        lines.append("      readiness: {tcp: true, port: db}")
        lines.append("      liveness: {tcp: true, port: db, periodSeconds: 30}")
    else:  # CRON
        lines.append(f'    schedule: "{i % 60} {i % 24} * * *"')
        lines.append(
            "    job: {concurrencyPolicy: Forbid, backoffLimit: 2, activeDeadlineSeconds: 3600, "
            "ttlSecondsAfterFinished: 86400}"
        )
        lines.append(f"    args: [--report={n}]")
    lines.append(f"    resources: {resources(size)}")
    config = f"LOG_LEVEL: info, {n.split('-')[0].upper()}_MODE: standard"
    lines.append(f"    config: {{{config}, REGION: eu-west-1}}")
    if r == STATEFUL or i % 2 == 0:
        secret = "password" if r == STATEFUL else "database-url"
        lines.append("    secrets:")
        lines.append(f"      {secret.upper().replace('-', '_')}: {{key: {t}/{n}/{secret}}}")
        if i % 6 == 0:
            lines.append(f"      API_TOKEN: {{key: {t}/{n}/api-token, property: token}}")
    deps = dependencies(i)
    if deps:
        lines.append(f"    dependsOn: [{', '.join(deps)}]")
    # Per environment: replicas, dev's log level, prod's size and autoscaler.
    if r == CRON:
        envs["dev"] += ', schedule: "*/30 * * * *"'
        envs["prod"] += f", resources: {resources(prod_size)}"
        for env, s in (("dev", size), ("staging", size), ("prod", prod_size)):
            usage[env] = pods_usage(1, s)
    elif r == STATEFUL:
        envs["dev"] += ", replicas: 1"
        envs["staging"] += ", replicas: 1, volumes: {/var/lib/data: {size: 20Gi}}"
        envs["prod"] += (
            f", replicas: 3, resources: {resources(prod_size)}, "
            "volumes: {/var/lib/data: {size: 100Gi, storageClass: fast-ssd}}"
        )
        for env, replicas, s, gi in (
            ("dev", 1, size, 10),
            ("staging", 1, size, 20),
            ("prod", 3, prod_size, 100),
        ):
            usage[env] = pods_usage(replicas, s) + Usage(claims=replicas, storage=replicas * gi)
    else:
        envs["dev"] += ", replicas: 1, config: {LOG_LEVEL: debug}"
        envs["staging"] += ", replicas: 2"
        usage["dev"], usage["staging"] = pods_usage(surged(1), size), pods_usage(surged(2), size)
        if not in_prod(i):
            envs["prod"] = "enabled: false"
        elif autoscaled(i):
            high = 4 + i % 5
            envs["prod"] += (
                f", replicas: 2, autoscaling: {{minReplicas: 2, maxReplicas: {high}, "
                f"targetCPUUtilization: {60 + i % 4 * 5}}}, resources: {resources(prod_size)}"
            )
            usage["prod"] = pods_usage(surged(high), prod_size)
        else:
            envs["prod"] += f", replicas: 3, resources: {resources(prod_size)}"
            usage["prod"] = pods_usage(surged(3), prod_size)
    lines.append("    environments:")
    lines += [f"      {env}: {{{envs[env]}}}" for env in ENVIRONMENTS]
    return "\n".join(lines) + "\n", usage


def quota(total: Usage) -> str:
    """ResourceQuota `hard` with a quarter of headroom over what the apps can take, in whole
    cores and GiB as a platform team writes them."""

    def room(amount: int, unit: int = 1) -> int:
        return max(1, ceil(amount * 1.25 / unit))

    cpu, memory = room(total.cpu, 1000), room(total.memory, 1024)
    cpu_limit, memory_limit = room(total.cpu_limit, 1000), room(total.memory_limit, 1024)
    return (
        f'{{requests.cpu: "{cpu}", requests.memory: {memory}Gi, limits.cpu: "{cpu_limit}", '
        f'limits.memory: {memory_limit}Gi, pods: "{room(total.pods)}", '
        f"requests.storage: {room(total.storage)}Gi, "
        f'persistentvolumeclaims: "{room(total.claims)}"}}'
    )


HEAD = """# A synthetic catalog of {apps} apps (benchmarks/synthetic.py): the scale benchmarks.
apiVersion: gitopsgen/v1
kind: Catalog

repository:
  url: https://github.com/example/gitops.git
  revision: main

argocd:
  namespace: argocd

clusters:
  nonprod:
    server: https://nonprod.k8s.example.com
    kubernetesVersion: "1.31"
  prod:
    server: https://prod.k8s.example.com
    kubernetesVersion: "1.31"

teams:
{teams}
environments:
  dev:
    cluster: nonprod
    namespace: dev
    host: "{{app}}-dev.example.com"
    sync: auto
    podSecurity: baseline
    imagePolicy: tag
    secretStore: vault-nonprod
    access: {{{dev_access}}}
    quota: {dev_quota}
    limitRange:
      defaultRequest: {{cpu: 50m, memory: 64Mi}}
      default: {{cpu: 500m, memory: 256Mi}}
  staging:
    cluster: nonprod
    namespace: staging
    host: "{{app}}-staging.example.com"
    sync: auto
    podSecurity: restricted
    imagePolicy: semver
    secretStore: vault-nonprod
    access: {{{dev_access}}}
    quota: {staging_quota}
    limitRange:
      defaultRequest: {{cpu: 50m, memory: 64Mi}}
      default: {{cpu: 500m, memory: 256Mi}}
  prod:
    cluster: prod
    namespace: prod
    host: "{{app}}.example.com"
    sync: manual
    podSecurity: restricted
    imagePolicy: digest
    minReplicas: 2
    secretStore: vault-prod
    access: {{{prod_access}}}
    quota: {prod_quota}
    limitRange:
      defaultRequest: {{cpu: 100m, memory: 128Mi}}
      default: {{cpu: "1", memory: 512Mi}}

defaults:
  resources:
    requests: {{cpu: 100m, memory: 128Mi}}
    limits: {{cpu: 500m, memory: 256Mi}}

apps:
"""


def catalog(apps: int, bumped: int | None = None) -> str:
    """The catalog of `apps` apps; with `bumped`, app number `bumped` runs a new version in
    dev (the first environment: no promotion to check), the edit of a pull request."""
    entries = [app(i, bumped == i) for i in range(apps)]
    totals = {env: sum((u.get(env, Usage()) for _, u in entries), Usage()) for env in ENVIRONMENTS}
    teams = "".join(
        f"  {t}:\n    groups: [example:{t}-devs]\n    github: ['@example/{t}']\n" for t in TEAMS
    )
    dev_access = ", ".join(f"{t}: {'admin' if t == 'platform' else 'edit'}" for t in TEAMS)
    prod_access = ", ".join(f"{t}: {'admin' if t == 'platform' else 'view'}" for t in TEAMS)
    head = HEAD.format(
        apps=apps,
        teams=teams,
        dev_access=dev_access,
        prod_access=prod_access,
        dev_quota=quota(totals["dev"]),
        staging_quota=quota(totals["staging"]),
        prod_quota=quota(totals["prod"]),
    )
    return head + "\n".join(text for text, _ in entries)


def keys(text: str) -> int:
    """Mapping keys plus list items in the catalog: what GITOPSGEN_MAX_KEYS limits."""

    def count(node: yaml.Node) -> int:
        if isinstance(node, yaml.MappingNode):
            return len(node.value) + sum(count(v) for _, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return len(node.value) + sum(count(v) for v in node.value)
        return 0

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    node = yaml.compose(text, Loader=loader)
    return 0 if node is None else count(node)

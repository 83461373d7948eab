"""Rules decided on the catalog alone (`catalog-` family and catalog-level policies).

Their failing and passing examples are catalogs: `generator/rules/examples/<id>/`.
"""

from __future__ import annotations

from generator.finding import Severity
from generator.rule import Rule


def _rule(rule_id: str, summary: str, description: str) -> Rule:
    return Rule(rule_id, Severity.ERROR, summary, description)


SCHEMA = _rule(
    "catalog-schema",
    "The catalog matches schemas/catalog.schema.json.",
    "Types, required keys, allowed values and formats of every catalog field, as the JSON "
    "Schema states them. Versions are strings: quote `0.10`, which YAML reads as the number 0.1.",
)
UNKNOWN_KEY = _rule(
    "catalog-unknown-key",
    "Every key is one the catalog knows.",
    "A misspelled key would otherwise be ignored silently; the message suggests the key "
    "that was probably meant.",
)
INVALID_NAME = _rule(
    "catalog-invalid-name",
    "App, environment, cluster and team names are DNS-1123 labels.",
    "Names become Kubernetes object names, label values and folder names: lower-case "
    "letters, digits and '-', starting and ending with a letter or digit, at most 63 "
    "characters. `../etc` or `Web_App` are refused.",
)
UNKNOWN_REFERENCE = _rule(
    "catalog-unknown-reference",
    "References name a cluster, team, environment or app the catalog defines.",
    "An environment's cluster, access teams and promotesFrom, an app's team, dependsOn and "
    "environments must all exist.",
)
MISSING_ENVIRONMENT = _rule(
    "catalog-missing-environment",
    "Every app lists every environment.",
    "Write `enabled: false` for an environment where the app does not run, so that adding "
    "an environment is a decision for every app.",
)
VERSION_REQUIRED = _rule(
    "catalog-version-required",
    "An app enabled in an environment names its version there.",
    "The version is the image tag and/or digest the environment runs.",
)
HOST_TEMPLATE = _rule(
    "catalog-host-template",
    "Host templates use only {app} and {env}.",
    "Any other placeholder, or an unbalanced brace, is an error; the resolved host must be "
    "a valid DNS name.",
)
DUPLICATE_HOST = _rule(
    "catalog-duplicate-host",
    "No two apps or environments on one cluster serve the same host and path.",
    "Two Ingresses with the same host and path on one ingress controller fight for traffic.",
)
DEPENDENCY_CYCLE = _rule(
    "catalog-dependency-cycle",
    "dependsOn has no cycles.",
    "Sync waves follow dependsOn; a cycle has no order.",
)
PROMOTES_FROM = _rule(
    "catalog-promotes-from",
    "promotesFrom names earlier environments, each once.",
    "`environments.<env>.promotesFrom` lists the environments a version must have run in "
    "before it runs in `<env>` (default: the environment before it; `[]` makes it a second "
    "entry point, where versions land directly as in the first). The list of environments is "
    "the promotion order, so each source is listed before `<env>`: naming the environment "
    "itself or a later one is an error, and the message shows the cycle a later one closes. "
    "Name each source once.",
)
DEPENDENCY_DISABLED = _rule(
    "catalog-dependency-disabled",
    "An app's dependencies run wherever the app runs.",
    "An app enabled in an environment where an app it depends on is disabled would start "
    "without its dependency.",
)
NAME_COLLISION = _rule(
    "catalog-name-collision",
    "Generated names (Argo CD projects and applications, namespaces) are unique.",
    "Applications are named <env>-<app>, projects <env> and <env>-guardrails; two "
    "environments on one cluster need different namespaces.",
)
PROBE = _rule(
    "catalog-probe",
    "A probe is exactly one of path, grpc, tcp or command, on a known port.",
    "HTTP, gRPC and TCP probes use the app's port unless they name their own `port`.",
)
PORT_CONFLICT = _rule(
    "catalog-port-conflict",
    "The app's Service ports are distinct.",
    "The Service listens on `servicePort` (or `port`) for traffic and on `metrics.port` for "
    "scraping; the same number twice is rejected by the API server.",
)
PORT_REQUIRED = _rule(
    "catalog-port-required",
    "Apps with an ingress or a servicePort have a port.",
    "The Service and the Ingress route to the app's container port.",
)
AUTOSCALING = _rule(
    "catalog-autoscaling",
    "autoscaling.minReplicas is at most maxReplicas.",
    "A HorizontalPodAutoscaler with min above max is rejected by the API server.",
)
SUPPRESSION = _rule(
    "catalog-suppression",
    "A suppression names a known rule and known environments.",
    "Suppressions need a reason; a suppression of an unknown rule id would silence nothing "
    "and hide a typo.",
)
SECRET_STORE = _rule(
    "catalog-secret-store",
    "An environment that runs an app with secrets names a secretStore.",
    "The app's ExternalSecret reads from the environment's (Cluster)SecretStore.",
)
SECRET_LITERAL = _rule(
    "secrets-literal-value",
    "Catalog secrets reference the secret store; they never hold a value.",
    "Each `secrets` entry is `{key: <path in the store>}`. A literal value in git is a "
    "leaked secret; the message never repeats it.",
)

KIND = _rule(
    "catalog-kind",
    "Each workload kind takes only the fields that fit it.",
    "`hook` is for a Job; `schedule` for a CronJob; `job` for a CronJob or Job (the CronJob's "
    "own fields, such as concurrencyPolicy, only for a CronJob); replicas and autoscaling for "
    "a Deployment or StatefulSet; a Service, an Ingress and metrics for long-running kinds; "
    "persistent volumes not for a DaemonSet, and on a Deployment only with one replica (a "
    "ReadWriteOnce volume attaches to one node). A plain Job (no hook) keeps no "
    "ttlSecondsAfterFinished: Argo CD would recreate it after its deletion and rerun it.",
)
SCHEDULE = _rule(
    "catalog-schedule",
    "A CronJob has a valid schedule in every environment it runs in.",
    "Five cron fields (minute hour day-of-month month day-of-week) or a descriptor such as "
    "`@daily`, as the CronJob controller parses them; a time zone goes in `job.timeZone`.",
)
PORT_NAME = _rule(
    "catalog-port-name",
    "Port names are Kubernetes port names, unique in the pod.",
    "At most 15 lower-case letters, digits and '-', with at least one letter, no '--' and "
    "no '-' at either end (IANA service names). Service ports, probes and metrics refer to "
    "ports by name, so a name is used once across the app's containers. Write `port:` (one "
    "port named http) or `ports:`, not both.",
)
ENV_CONFLICT = _rule(
    "catalog-env-conflict",
    "An environment variable is defined once: in `config`, `secrets` or `env`.",
    "The three all become the container's environment; the same name twice would leave one "
    "of them silently unused. Names are letters, digits and '_', not starting with a digit.",
)
VOLUME = _rule(
    "catalog-volume",
    "Volumes are mounted at absolute paths, each of one type, with distinct names.",
    "A volume is persistent (`size`, `storageClass`, `accessModes`), `emptyDir`, `configMap` "
    "or `secret`, exactly one of them; the mount path is absolute and not `/`; two mount "
    "paths that give the same volume name need an explicit `name`.",
)
CONTAINER = _rule(
    "catalog-container",
    "Sidecars and init containers have distinct names and the versions their images need.",
    "Names are DNS-1123 labels, different from the app's own container and from each other. "
    "A container with its own `image` takes its version per environment "
    "(`environments.<env>.sidecars.<name>.version`), which must follow the environment's "
    "imagePolicy; one without `image` runs the app's image at the app's version and takes no "
    "version of its own.",
)
COMPONENT = _rule(
    "catalog-component",
    "Components are hand-owned Kustomize Component folders inside the repository.",
    "A path relative to the repository root, outside the generated folders (base/, overlays/, "
    "argocd/), naming a folder whose kustomization.yaml has `kind: Component`.",
)
LABEL = _rule(
    "catalog-label",
    "Pod labels keep the labels gitopsgen owns.",
    "app.kubernetes.io/name selects the pods (Services, policies, budgets); managed-by, team "
    "and environment labels are set by gitopsgen. `labels.pod` may add any other label.",
)
EGRESS = _rule(
    "catalog-egress",
    "Egress rules name a CIDR or a namespace, each valid.",
    "`{cidr, except, ports}` opens an IP range (except must lie inside it); "
    "`{namespace, podSelector, ports}` opens pods of a namespace.",
)

URL = _rule(
    "catalog-url",
    "The repository, every cluster server and every chart repository are exact URLs, never "
    "patterns.",
    "Argo CD reads an AppProject's sourceRepos and destination servers as glob patterns: "
    '`repository.url: "*"` would let the projects pull from any repository, `server: "*"` '
    "deploy to any cluster. The repository is an https URL, an ssh:// URL or git@host:path; a "
    "server is an https URL (such as https://kubernetes.default.svc); neither may hold a glob "
    "character (`*?[]{}!`), whitespace, a query or a fragment. A chart's `repoURL` is a Helm "
    "repository (https://) or an OCI registry with its path (oci://), without credentials; "
    "the AppProject of the app (or the add-ons) allows exactly that repository.",
)
RESERVED_NAMESPACE = _rule(
    "catalog-reserved-namespace",
    "Environments run in namespaces of their own, never in the cluster's or the platform's.",
    "An environment's namespace gets the environment's NetworkPolicies, quota, RoleBindings "
    "and Pod Security level, and its teams deploy there: never kube-system, kube-public, "
    "kube-node-lease, default, the Argo CD namespace (`argocd.namespace`), or the namespace "
    "of the cluster's ingress controller or monitoring.",
)
IDENTITY = _rule(
    "catalog-identity",
    "Team groups and GitHub owners name one identity each, exactly.",
    "Groups become RoleBinding subjects and Argo CD project role groups (which Argo CD turns "
    "into lines of its policy CSV); GitHub owners become CODEOWNERS entries. A group is "
    "letters, digits and `. _ : @ / = + -` (no wildcard, comma, quote, '#', whitespace or "
    "line break), not a Kubernetes system group (`system:...`, such as "
    "system:authenticated, which is every signed-in user) and not an Argo CD subject "
    "(`role:...`, `proj:...`). Team and environment names, which Argo CD policies and "
    "CODEOWNERS lines also hold, are DNS labels (catalog-invalid-name); GitHub owners are "
    "@user or @org/team (catalog-schema).",
)
SYSTEM_PATH = _rule(
    "catalog-system-path",
    "Writable mounts stay out of the system folders.",
    "The root filesystem is read-only; `writablePaths`, emptyDir and persistent volumes make "
    "a folder writable. Not `/` or a system folder itself (/bin, /boot, /dev, /etc, /lib, "
    "/lib32, /lib64, /libx32, /proc, /root, /run, /sbin, /sys, /usr, /var), and nothing "
    "inside the kernel's folders (/proc, /sys, /dev except /dev/shm) or the folders programs "
    "run from (/bin, /sbin, /boot, /lib*, /usr/bin, /usr/sbin, /usr/lib*, /usr/libexec, "
    "/usr/local/bin, /usr/local/sbin, /usr/local/lib): a process could replace what the "
    "container runs, or hide what the kernel shows it. Mount the app's own folder instead, "
    "such as /var/cache/<app> or /var/lib/<app>.",
)
SECRET_KEY = _rule(
    "catalog-secret-key",
    "Secrets read one key under the prefix of their team.",
    "An ExternalSecret reads `secrets.<VAR>.key` from the environment's secret store with the "
    "store's own credentials, so the catalog decides which team's secrets an app may read: "
    "the key starts with the environment's `secretKeyPrefix` (default `{team}/`, with "
    "placeholders {team} and {app}) and is one key: no `*`, no `..`, no leading '/', no "
    "empty segment, no whitespace.",
)
CONFIG_VALUE = _rule(
    "catalog-config-value",
    "Config values are written as the strings the app receives.",
    "Config values become environment variables, which are strings. YAML reads a plain `012`, "
    "`0x1F`, `0o17`, `+5` or `1_000` as a number (the app gets 12, 31, 15, 5 or 1000) and "
    "`True` or `FALSE` as a boolean (true, false); YAML 1.1 readers take `yes`, `no`, `on`, "
    "`off`, `y` and `n` for booleans too. Quote such a value. (`~`, `null`, `1.5` and "
    "`2024-01-02` are not strings, numbers or booleans at all: catalog-schema says to quote "
    "them.)",
)
BACKUP = _rule(
    "catalog-backup",
    "A backup has a valid schedule and ttl, on an app with persistent volumes.",
    "`backup.schedule` is a cron schedule as Velero reads it (five fields or a descriptor "
    "such as `@daily`; Velero runs it in UTC, so no time zone); `backup.ttl` is a positive Go "
    "duration such as `720h` (Go has no days; without a ttl Velero keeps backups 720h). A "
    "backup saves the app's persistent volumes: an app with none gets an error, and a "
    "warning when no environment it runs in with persistent volumes has `backups` (no "
    "Schedule would be generated). `environments.<env>.backups.namespace`, Velero's "
    "namespace, is not the namespace of an environment on that cluster.",
)

CHART = _rule(
    "catalog-chart",
    "An app runs an image or a Helm chart, with the fields that fit it.",
    "An app names `image` (a container image gitopsgen renders) or `chart: {repoURL, name}` (a "
    "Helm chart Argo CD renders), exactly one of them. A chart app takes `team`, `chart`, "
    "`values`, `valueFiles`, `dependsOn`, `suppress` and, per environment, `enabled`, "
    "`version`, `hotfix`, `values` and `valueFiles`; the workload fields of an image app "
    "(ports, probes, resources, config, secrets, volumes, sidecars ...) are the chart's to "
    "decide, through its `values`. An image app takes no `values` or `valueFiles`.",
)
CHART_VERSION = _rule(
    "catalog-chart-version",
    "Chart versions are SemVer.",
    "Helm charts are versioned by SemVer 2.0 (an optional leading `v`, pre-release and build "
    "parts allowed): a chart app's `environments.<env>.version` and an add-on's `version`. "
    "The environment's imagePolicy is about images and does not apply to charts; a digest "
    "is not a chart version.",
)
VALUE_FILE = _rule(
    "catalog-value-file",
    "Value files are hand-owned files of this repository.",
    "`valueFiles` are paths relative to the repository root, outside the generated folders "
    "(base/, overlays/, argocd/), naming a file that exists (not a folder, not a symbolic "
    "link leading out of the repository), without glob characters. Argo CD reads them from "
    "this repository at the catalog's revision (`$values/<path>`).",
)
ADDON_NAMESPACE = _rule(
    "catalog-addon-namespace",
    "Add-ons run in namespaces of their own, never in an environment's or Argo CD's.",
    "An add-on's project may deploy anything into its namespace: in an environment's "
    "namespace (where its guardrails and apps live) it could replace the guardrails, in the "
    "Argo CD namespace the Applications and projects. Several add-ons may share a namespace.",
)

CATALOG_RULES: tuple[Rule, ...] = (
    SCHEMA,
    UNKNOWN_KEY,
    INVALID_NAME,
    UNKNOWN_REFERENCE,
    MISSING_ENVIRONMENT,
    VERSION_REQUIRED,
    HOST_TEMPLATE,
    DUPLICATE_HOST,
    DEPENDENCY_CYCLE,
    PROMOTES_FROM,
    DEPENDENCY_DISABLED,
    NAME_COLLISION,
    PROBE,
    PORT_REQUIRED,
    PORT_CONFLICT,
    AUTOSCALING,
    SUPPRESSION,
    SECRET_STORE,
    SECRET_LITERAL,
    KIND,
    SCHEDULE,
    PORT_NAME,
    ENV_CONFLICT,
    VOLUME,
    CONTAINER,
    COMPONENT,
    LABEL,
    EGRESS,
    URL,
    RESERVED_NAMESPACE,
    IDENTITY,
    SYSTEM_PATH,
    SECRET_KEY,
    CONFIG_VALUE,
    CHART,
    CHART_VERSION,
    VALUE_FILE,
    ADDON_NAMESPACE,
    BACKUP,
)

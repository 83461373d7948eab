"""overlays/<env>/_namespace/: the environment's guardrails, owned by the platform team."""

from __future__ import annotations

from typing import Any

from generator import constants as c
from generator.catalog.model import App, Catalog, Environment
from generator.render.backups import schedules
from generator.render.base import KUSTOMIZE_API, ingress_port
from generator.render.labels import metadata, platform_labels, selector
from generator.render.tree import Tree, add


def namespace(env: Environment, kubernetes_version: str) -> dict[str, Any]:
    labels = platform_labels(env.name)
    for mode in ("enforce", "audit", "warn"):
        labels[f"{c.PSA_LABEL}/{mode}"] = env.pod_security
        labels[f"{c.PSA_LABEL}/{mode}-version"] = f"v{kubernetes_version}"
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": metadata(env.namespace, labels)}


def resource_quota(env: Environment) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "ResourceQuota",
        "metadata": metadata(c.QUOTA_NAME, platform_labels(env.name)),
        "spec": {"hard": dict(env.quota)},
    }


def limit_range(env: Environment) -> dict[str, Any]:
    assert env.limit_range is not None
    limits: dict[str, Any] = {"type": "Container"}
    for key, values in (
        ("default", env.limit_range.default),
        ("defaultRequest", env.limit_range.default_request),
        ("max", env.limit_range.max),
        ("min", env.limit_range.min),
    ):
        if values:
            limits[key] = dict(values)
    return {
        "apiVersion": "v1",
        "kind": "LimitRange",
        "metadata": metadata(c.LIMIT_RANGE_NAME, platform_labels(env.name)),
        "spec": {"limits": [limits]},
    }


def _policy(
    name: str, env: Environment, pod_selector: dict[str, Any], spec: dict[str, Any]
) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": metadata(name, platform_labels(env.name)),
        "spec": {"podSelector": pod_selector, **spec},
    }


def _namespace_peer(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {c.LABEL_NAMESPACE_NAME: name}}}


def _ports(numbers: list[tuple[str, int]]) -> list[dict[str, Any]]:
    return [{"protocol": protocol, "port": port} for protocol, port in numbers]


def _own(app: App) -> list[tuple[str, int]]:
    return [(p.protocol, p.port) for p in app.ports]


def _egress_rule(rule: Any) -> dict[str, Any]:
    if "cidr" in rule:
        block: dict[str, Any] = {"cidr": rule["cidr"]}
        if rule.get("except"):
            block["except"] = list(rule["except"])
        peer: dict[str, Any] = {"ipBlock": block}
    else:
        peer = _namespace_peer(rule["namespace"])
        if rule.get("podSelector"):
            peer["podSelector"] = {"matchLabels": dict(rule["podSelector"])}
    result: dict[str, Any] = {"to": [peer]}
    if rule.get("ports"):
        result["ports"] = [
            {"protocol": "TCP", "port": p}
            if isinstance(p, int)
            else {"protocol": p.get("protocol", "TCP"), "port": p["port"]}
            for p in rule["ports"]
        ]
    return result


def app_policy(
    app: App,
    env: Environment,
    running: dict[str, App],
    catalog: Catalog,
    dependents: dict[str, list[App]],
) -> dict[str, Any] | None:
    cluster = catalog.cluster(env.cluster)
    values = app.deployment(env.name).values
    ingress: list[dict[str, Any]] = []
    backend = app.find_port(ingress_port(app)) if app.has_ingress else None
    if backend is not None:
        ingress.append(
            {
                "from": [_namespace_peer(cluster.ingress_namespace)],
                "ports": _ports([(backend.protocol, backend.port)]),
            }
        )
    metrics = app.find_port(app.metrics_port) if app.metrics_port else None
    if metrics is not None:
        ingress.append(
            {
                "from": [_namespace_peer(cluster.monitoring_namespace)],
                "ports": _ports([(metrics.protocol, metrics.port)]),
            }
        )
    if app.service in ("LoadBalancer", "NodePort") and app.ports:
        # Traffic through a node port or a load balancer comes from outside the cluster.
        ingress.append({"from": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": _ports(_own(app))})
    mine = dependents.get(app.name, [])
    if mine and app.ports:
        peers = [{"podSelector": {"matchLabels": selector(a)}} for a in mine]
        ingress.append({"from": peers, "ports": _ports(_own(app))})
    egress = [
        {
            "to": [{"podSelector": {"matchLabels": selector(running[d])}}],
            "ports": _ports(_own(running[d])),
        }
        for d in app.depends_on
        if d in running and running[d].ports
    ]
    egress.extend(_egress_rule(rule) for rule in values.egress)
    if not ingress and not egress:
        return None
    spec: dict[str, Any] = {
        "policyTypes": [t for t, rules in (("Ingress", ingress), ("Egress", egress)) if rules]
    }
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return _policy(f"allow-{app.name}", env, {"matchLabels": selector(app)}, spec)


def network_policies(env: Environment, catalog: Catalog) -> list[dict[str, Any]]:
    running = {a.name: a for a in catalog.apps if a.deployment(env.name).enabled}
    dependents: dict[str, list[App]] = {}  # app -> the running apps that depend on it, in order
    for other in running.values():
        for name in dict.fromkeys(other.depends_on):
            dependents.setdefault(name, []).append(other)
    dns_peer = {
        **_namespace_peer(c.DNS_NAMESPACE),
        "podSelector": {"matchLabels": {c.DNS_POD_LABEL[0]: c.DNS_POD_LABEL[1]}},
    }
    policies = [
        _policy(c.DEFAULT_DENY_POLICY, env, {}, {"policyTypes": ["Ingress", "Egress"]}),
        _policy(
            c.ALLOW_DNS_POLICY,
            env,
            {},
            {
                "policyTypes": ["Egress"],
                "egress": [
                    {
                        "to": [dns_peer],
                        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                    }
                ],
            },
        ),
    ]
    for app in running.values():
        policy = app_policy(app, env, running, catalog, dependents)
        if policy:
            policies.append(policy)
    return policies


def role_bindings(env: Environment, catalog: Catalog) -> list[dict[str, Any]]:
    bindings = []
    for team_name, role in env.access.items():
        team = catalog.team(team_name)
        bindings.append(
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": metadata(
                    f"team-{team.name}", {**platform_labels(env.name), c.LABEL_TEAM: team.name}
                ),
                "roleRef": {
                    "apiGroup": "rbac.authorization.k8s.io",
                    "kind": "ClusterRole",
                    "name": role,
                },
                "subjects": [
                    {"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": group}
                    for group in team.groups
                ],
            }
        )
    return bindings


def in_namespace(meta: dict[str, Any], namespace: str) -> dict[str, Any]:
    """`meta` with `namespace` after the name, where `metadata` puts it."""
    return {"name": meta["name"], "namespace": namespace, **meta}


def render_namespace(env: Environment, catalog: Catalog, tree: Tree) -> None:
    folder = f"{c.OVERLAYS_DIR}/{env.name}/{c.NAMESPACE_DIR}"
    version = catalog.cluster(env.cluster).kubernetes_version
    files: dict[str, list[dict[str, Any]]] = {"namespace.yaml": [namespace(env, version)]}
    if env.quota:
        files["resourcequota.yaml"] = [resource_quota(env)]
    if env.limit_range:
        files["limitrange.yaml"] = [limit_range(env)]
    files["networkpolicies.yaml"] = network_policies(env, catalog)
    bindings = role_bindings(env, catalog)
    if bindings:
        files["rolebindings.yaml"] = bindings
    kustomization: dict[str, Any] = {"apiVersion": KUSTOMIZE_API, "kind": "Kustomization"}
    if env.backup_location is None:
        kustomization["namespace"] = env.namespace
    else:
        # The Schedules live in Velero's namespace, which Kustomize's `namespace` would
        # overwrite: every object names its own.
        for documents in files.values():
            for obj in documents:
                if obj["kind"] != "Namespace":
                    obj["metadata"] = in_namespace(obj["metadata"], env.namespace)
        backups = schedules(env, catalog)
        if backups:
            files["schedules.yaml"] = backups
    kustomization["resources"] = list(files)
    add(tree, f"{folder}/{c.KUSTOMIZATION}", catalog.path, [kustomization])
    for name, documents in files.items():
        add(tree, f"{folder}/{name}", catalog.path, documents)

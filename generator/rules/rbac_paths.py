"""`rbac-` rules on escalation paths, bindings to missing Roles and mounted tokens.

Role rules are read as the authorizer reads them: a rule grants each of its verbs on each of
its resources in each of its API groups (`*` is reported by `rbac-wildcard`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from generator.finding import Finding, Severity
from generator.k8s.display import show
from generator.k8s.podspec import pod_specs
from generator.k8s.workloads import mapping, namespace_of, resource_of
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext

RBAC_GROUP = "rbac.authorization.k8s.io"
# Built-in ClusterRoles that read Secrets (cluster-admin has its own rule).
SECRET_READING_CLUSTER_ROLES = frozenset({"admin", "edit"})

ESCALATION_RULE = Rule(
    id="rbac-escalation",
    severity=Severity.ERROR,
    summary="No Role or ClusterRole grants escalate, bind or impersonate.",
    description=(
        "These verbs bypass RBAC's own guard against escalation: `escalate` on roles or "
        "clusterroles lets holders add any permission to a role, `bind` lets them bind roles "
        "with more permissions than they hold, and `impersonate` on users, groups, "
        "serviceaccounts, uids or userextras lets them act as anyone. Reported at each such "
        "verb; they belong to the platform's own controllers, outside app trees."
    ),
)

SENSITIVE_ACCESS_RULE = Rule(
    id="rbac-sensitive-access",
    severity=Severity.WARNING,
    summary="Roles grant no exec into pods, cluster-wide Secret reads or RoleBinding writes.",
    description=(
        "Warnings for grants that reach further than they look: `create` or `get` on "
        "`pods/exec` or `pods/attach` (run commands in the pods, and read the Secrets and "
        "tokens they mount; kubectl uses create, WebSocket clients get); `get`, `list` or "
        "`watch` on `secrets` without resourceNames in a ClusterRole that a ClusterRoleBinding "
        "of the set binds, or a ClusterRoleBinding to the built-in `admin` or `edit` (every "
        "Secret of the cluster); and `create`, `update` or `patch` on `rolebindings` or "
        "`clusterrolebindings` (holders can pass the roles they hold to any subject, "
        "including ones the team does not own)."
    ),
)

ROLE_REFERENCE_RULE = Rule(
    id="rbac-role-reference",
    severity=Severity.WARNING,
    summary="A RoleBinding binds a Role of the set.",
    description=(
        "A RoleBinding whose roleRef names a Role (kind Role) that is not in its namespace in "
        "the set grants nothing until that Role exists. A warning: the Role may be created "
        "elsewhere. Bindings to ClusterRoles are not checked, since the cluster ships many "
        "(view, edit, admin ...)."
    ),
)

SERVICE_ACCOUNT_TOKEN_RULE = Rule(
    id="rbac-service-account-token",
    severity=Severity.WARNING,
    summary="Pods do not mount a ServiceAccount token they do not need.",
    description=(
        "The kubelet mounts the pod's ServiceAccount token unless "
        "`automountServiceAccountToken` is false on the pod, or, when the pod does not set "
        "it, on its ServiceAccount (one of the set; a ServiceAccount absent from the set "
        "counts as mounting). A mounted token lets anyone who gets into the container call "
        "the API server as the pod. Set it to false on pods that do not call the API."
    ),
)

_WHY = {
    "escalate": "lets holders add any permission to a role",
    "bind": "lets holders bind roles with more permissions than they hold",
    "impersonate": "lets holders act as any user, group or ServiceAccount",
}


def _roles(manifests: Sequence[Manifest]) -> Iterator[Manifest]:
    for manifest in manifests:
        if manifest.kind in ("Role", "ClusterRole") and manifest.api_version.startswith(
            RBAC_GROUP + "/"
        ):
            yield manifest


def _items(rule: object, field: str) -> list[object]:
    found = mapping(rule).get(field)
    return found if isinstance(found, list) else []


def check_escalation(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for role in _roles(manifests):
        for r, rule in enumerate(_items(role.obj, "rules")):
            for v, verb in enumerate(_items(rule, "verbs")):
                if not isinstance(verb, str) or verb not in _WHY:
                    continue
                yield ESCALATION_RULE.finding(
                    f"{role.label(quoted=True)} rules[{r}] grants '{verb}', which {_WHY[verb]}; "
                    "remove it (only the platform's own controllers need it)",
                    role.position("rules", r, "verbs", v),
                    role.resource,
                    ctx.environment,
                )


def _grants(
    rule: object, group: str, resource: str, verbs: frozenset[str]
) -> tuple[int, str] | None:
    """(index of `resource` in the rule's resources, the verbs granted) when the rule grants
    some of `verbs` on it in `group` (a `*` is `rbac-wildcard`'s)."""
    granted = sorted(verbs & {v for v in _items(rule, "verbs") if isinstance(v, str)})
    resources = _items(rule, "resources")
    if group not in _items(rule, "apiGroups") or not granted or resource not in resources:
        return None
    return resources.index(resource), ", ".join(granted)


_SENSITIVE: tuple[tuple[str, str, frozenset[str], str], ...] = (
    ("", "pods/exec", frozenset({"create", "get"}), "run commands in the namespace's pods"),
    ("", "pods/attach", frozenset({"create", "get"}), "attach to the namespace's pods"),
    (
        RBAC_GROUP,
        "rolebindings",
        frozenset({"create", "update", "patch"}),
        "pass the roles they hold to any subject, including ones the team does not own",
    ),
    (
        RBAC_GROUP,
        "clusterrolebindings",
        frozenset({"create", "update", "patch"}),
        "pass the cluster roles they hold to any subject, cluster-wide",
    ),
)
_READ = frozenset({"get", "list", "watch"})


def check_sensitive_access(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    cluster_bound: dict[str, Manifest] = {}
    for binding in manifests:
        ref = mapping(binding.obj.get("roleRef"))
        if binding.kind == "ClusterRoleBinding" and isinstance(ref.get("name"), str):
            cluster_bound.setdefault(ref["name"], binding)
            if ref["name"] in SECRET_READING_CLUSTER_ROLES and ref.get("kind") == "ClusterRole":
                yield SENSITIVE_ACCESS_RULE.finding(
                    f"{binding.label(quoted=True)} binds ClusterRole '{ref['name']}' "
                    "cluster-wide, which reads every Secret of the cluster; bind it with a "
                    "RoleBinding in the namespaces the subjects work in",
                    binding.position("roleRef", "name"),
                    binding.resource,
                    ctx.environment,
                )
    for role in _roles(manifests):
        for r, rule in enumerate(_items(role.obj, "rules")):
            for group, resource, verbs, why in _SENSITIVE:
                found = _grants(rule, group, resource, verbs)
                if found is not None:
                    yield SENSITIVE_ACCESS_RULE.finding(
                        f"{role.label(quoted=True)} rules[{r}] grants {found[1]} on "
                        f"'{resource}', so holders can {why}; grant it only to the people who "
                        "need it, in a role of its own",
                        role.position("rules", r, "resources", found[0]),
                        role.resource,
                        ctx.environment,
                    )
            bound = cluster_bound.get(role.name) if role.kind == "ClusterRole" else None
            reads = _grants(rule, "", "secrets", _READ)
            if bound is not None and reads is not None and not _items(rule, "resourceNames"):
                yield SENSITIVE_ACCESS_RULE.finding(
                    f"{role.label(quoted=True)} rules[{r}] grants {reads[1]} on 'secrets', and "
                    f"{bound.label(quoted=True)} binds it cluster-wide: every Secret of the "
                    "cluster; bind it per namespace with RoleBindings, or list resourceNames",
                    role.position("rules", r, "resources", reads[0]),
                    role.resource,
                    ctx.environment,
                )


def check_role_reference(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    roles = {
        (namespace_of(m, ctx.namespace), m.name) for m in _roles(manifests) if m.kind == "Role"
    }
    for binding in manifests:
        ref = mapping(binding.obj.get("roleRef"))
        if binding.kind != "RoleBinding" or ref.get("kind") != "Role":
            continue
        namespace = namespace_of(binding, ctx.namespace)
        name = ref.get("name")
        if (namespace, name) in roles:
            continue
        where = f" of namespace '{namespace}'" if namespace else ""
        yield ROLE_REFERENCE_RULE.finding(
            f"{binding.label(quoted=True)} binds Role {show(name)}, which is not a Role{where} in "
            "this set, so the binding grants nothing; add the Role or fix roleRef.name (a "
            "warning: the Role may be created elsewhere)",
            binding.position("roleRef", "name"),
            resource_of(binding, ctx.namespace),
            ctx.environment,
        )


def _account(spec: Mapping[str, object]) -> str:
    for field in ("serviceAccountName", "serviceAccount"):
        value = spec.get(field)
        if isinstance(value, str) and value:
            return value
    return "default"


def check_service_account_token(
    manifests: Sequence[Manifest], ctx: RuleContext
) -> Iterator[Finding]:
    accounts = {
        (namespace_of(m, ctx.namespace), m.name): m.obj.get("automountServiceAccountToken")
        for m in manifests
        if m.kind == "ServiceAccount"
    }
    for pod in pod_specs(manifests):
        if pod.manifest.kind == "PodTemplate":
            continue
        own = pod.spec.get("automountServiceAccountToken")
        name = _account(pod.spec)
        key = (namespace_of(pod.manifest, ctx.namespace), name)
        if own is False or (own is None and accounts.get(key, True) is False):
            continue
        if own is True:
            why = "sets automountServiceAccountToken: true"
        elif key in accounts:
            why = f"does not set automountServiceAccountToken, nor does ServiceAccount '{name}'"
        else:
            why = (
                f"does not set automountServiceAccountToken (ServiceAccount '{name}' is not "
                "in this set)"
            )
        yield SERVICE_ACCOUNT_TOKEN_RULE.finding(
            f"{pod.manifest.label()} mounts its ServiceAccount token: it {why}; set "
            "automountServiceAccountToken: false unless the pod calls the Kubernetes API",
            pod.position("automountServiceAccountToken"),
            resource_of(pod.manifest, ctx.namespace),
            ctx.environment,
        )


ESCALATION = ManifestRule(ESCALATION_RULE, check_escalation)
SENSITIVE_ACCESS = ManifestRule(SENSITIVE_ACCESS_RULE, check_sensitive_access)
ROLE_REFERENCE = ManifestRule(ROLE_REFERENCE_RULE, check_role_reference)
SERVICE_ACCOUNT_TOKEN = ManifestRule(SERVICE_ACCOUNT_TOKEN_RULE, check_service_account_token)

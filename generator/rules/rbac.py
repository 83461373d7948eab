"""`rbac-` rules: least privilege for the identities the tree creates and binds."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from generator.finding import Finding, Severity
from generator.k8s.display import show
from generator.k8s.podspec import pod_specs
from generator.manifest import Manifest
from generator.rule import ManifestRule, Rule, RuleContext
from generator.rules.rbac_paths import (
    ESCALATION,
    ROLE_REFERENCE,
    SENSITIVE_ACCESS,
    SERVICE_ACCOUNT_TOKEN,
)

RBAC_GROUP = "rbac.authorization.k8s.io"

CLUSTER_ADMIN = Rule(
    id="rbac-cluster-admin",
    severity=Severity.ERROR,
    summary="No RoleBinding or ClusterRoleBinding grants the ClusterRole cluster-admin.",
    description=(
        "`cluster-admin` allows every verb on every resource; bound by a ClusterRoleBinding "
        "it owns the cluster, bound by a RoleBinding it owns the namespace including its "
        "RBAC and Secrets. Bind a Role (or ClusterRole) listing only the verbs and "
        "resources the subjects need."
    ),
)

WILDCARD = Rule(
    id="rbac-wildcard",
    severity=Severity.ERROR,
    summary="No Role or ClusterRole rule uses `*` in verbs, resources or apiGroups.",
    description=(
        "`*` grants today's and every future verb, resource or API group, including ones "
        "added by CRDs later. Reported at each offending list item: `*` in `verbs`, "
        "`apiGroups` or `resources`, and `*/<subresource>` in `resources` (that "
        "subresource of every resource). `resourceNames` and `nonResourceURLs` are not "
        "checked."
    ),
)

DEFAULT_SERVICE_ACCOUNT = Rule(
    id="rbac-default-service-account",
    severity=Severity.WARNING,
    summary="Workloads run as their own ServiceAccount, not the namespace's `default`.",
    description=(
        "A pod spec (any workload kind) without `serviceAccountName` (nor the deprecated "
        "`serviceAccount`), or naming `default`, runs as the namespace's default "
        "ServiceAccount: whatever is granted to it is granted to every such pod in the "
        "namespace, and no permission can be given to one workload alone. Give each "
        "workload a ServiceAccount of its own. Whether the token is mounted "
        "(`automountServiceAccountToken`) is a separate concern and does not change this "
        "finding."
    ),
)


def _check_cluster_admin(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if manifest.kind not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        if not manifest.api_version.startswith(RBAC_GROUP + "/"):
            continue
        ref = manifest.obj.get("roleRef")
        if not isinstance(ref, Mapping):
            continue
        if ref.get("kind") != "ClusterRole" or ref.get("name") != "cluster-admin":
            continue
        yield CLUSTER_ADMIN.finding(
            f"{manifest.label(quoted=True)} grants ClusterRole 'cluster-admin'; bind a Role "
            "(or ClusterRole) with only the verbs and resources the subjects need",
            manifest.position("roleRef", "name"),
            manifest.resource,
            ctx.environment,
        )


def _is_wildcard(field: str, item: object) -> bool:
    if item == "*":
        return True
    return field == "resources" and isinstance(item, str) and item.startswith("*/")


_REMEDY = {
    "verbs": "list the verbs needed, e.g. get, list, watch",
    "apiGroups": "list the API groups needed ('' is the core group)",
    "resources": "list the resources needed",
}


def _check_wildcard(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    for manifest in manifests:
        if manifest.kind not in ("Role", "ClusterRole"):
            continue
        if not manifest.api_version.startswith(RBAC_GROUP + "/"):
            continue
        rules = manifest.obj.get("rules")
        if not isinstance(rules, list):
            continue
        for r, rule in enumerate(rules):
            if not isinstance(rule, Mapping):
                continue
            for field in ("apiGroups", "resources", "verbs"):
                items = rule.get(field)
                if not isinstance(items, list):
                    continue
                for i, item in enumerate(items):
                    if not _is_wildcard(field, item):
                        continue
                    yield WILDCARD.finding(
                        f"{manifest.label(quoted=True)} rules[{r}] grants '{item}' in "
                        f"{field}; {_REMEDY[field]}",
                        manifest.position("rules", r, field, i),
                        manifest.resource,
                        ctx.environment,
                    )


def _check_default_service_account(
    manifests: Sequence[Manifest], ctx: RuleContext
) -> Iterator[Finding]:
    for pod in pod_specs(manifests):
        workload = pod.manifest.label(quoted=True)
        for field in ("serviceAccountName", "serviceAccount"):
            account = pod.spec.get(field)
            if isinstance(account, str) and account:
                break
        else:
            yield DEFAULT_SERVICE_ACCOUNT.finding(
                f"{workload} sets no serviceAccountName and runs as the namespace's "
                "'default' ServiceAccount; create a ServiceAccount for it and set "
                "serviceAccountName",
                pod.position(),
                pod.resource,
                ctx.environment,
            )
            continue
        if account == "default":
            yield DEFAULT_SERVICE_ACCOUNT.finding(
                f"{workload} runs as the namespace's 'default' ServiceAccount; create a "
                "ServiceAccount for it and set serviceAccountName",
                pod.position(field),
                pod.resource,
                ctx.environment,
            )


ACCESS = Rule(
    id="rbac-access",
    severity=Severity.ERROR,
    summary="The namespace's group RoleBindings are exactly the catalog's `access`.",
    description=(
        "In `validate`, each environment's `access` (team -> view | edit | admin) grants the "
        "team's groups that ClusterRole in the namespace. A group bound to another role, a "
        "group the catalog does not name, or a grant with no binding is reported: access "
        "changes go through the catalog, where they are reviewed. Not in force for `lint`."
    ),
)


def _bound_groups(
    manifests: Sequence[Manifest], ctx: RuleContext
) -> Iterator[tuple[Manifest, int, object, object]]:
    for manifest in manifests:
        if manifest.kind != "RoleBinding" or manifest.namespace not in (None, ctx.namespace):
            continue
        role_ref = manifest.obj.get("roleRef")
        role = role_ref.get("name") if isinstance(role_ref, Mapping) else None
        subjects = manifest.obj.get("subjects")
        for i, subject in enumerate(subjects if isinstance(subjects, list) else []):
            if isinstance(subject, Mapping) and subject.get("kind") == "Group":
                yield manifest, i, subject.get("name"), role


def _check_access(manifests: Sequence[Manifest], ctx: RuleContext) -> Iterator[Finding]:
    granted = dict(ctx.access or {})
    bound: set[tuple[object, object]] = set()
    for manifest, i, group, role in _bound_groups(manifests, ctx):
        bound.add((group, role))
        wanted = granted.get(group) if isinstance(group, str) else None
        if wanted is None or wanted != role:
            grant = f"grants it '{wanted}'" if wanted else "does not name it"
            yield ACCESS.finding(
                f"{manifest.label()} binds group {show(group)} to {show(role)}, but the catalog "
                f"{grant}; change the environment's access in the catalog instead",
                manifest.position("subjects", i, "name"),
                manifest.resource,
                ctx.environment,
            )
    anchor = next(
        (m for m in manifests if m.kind == "Namespace"), manifests[0] if manifests else None
    )
    bound_groups = {group for group, _ in bound}
    for group, role in sorted(granted.items()):
        if group not in bound_groups and anchor is not None:
            yield ACCESS.finding(
                f"the catalog grants group '{group}' '{role}' in namespace '{ctx.namespace}', but "
                "no RoleBinding does; run 'gitopsgen generate'",
                anchor.position("metadata", "name"),
                anchor.resource,
                ctx.environment,
            )


RULES: tuple[ManifestRule, ...] = (
    ManifestRule(ACCESS, _check_access, lambda ctx: ctx.access is not None),
    ManifestRule(CLUSTER_ADMIN, _check_cluster_admin),
    ManifestRule(WILDCARD, _check_wildcard),
    ManifestRule(DEFAULT_SERVICE_ACCOUNT, _check_default_service_account),
    ESCALATION,
    SENSITIVE_ACCESS,
    ROLE_REFERENCE,
    SERVICE_ACCOUNT_TOKEN,
)

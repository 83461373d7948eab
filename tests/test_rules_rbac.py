"""`rbac-` rules: exact findings on a file mixing RBAC objects and workloads."""

from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import rbac

TEXT = """\
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: admins
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: cluster-admin}
subjects: [{kind: Group, name: admins, apiGroup: rbac.authorization.k8s.io}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: not-the-cluster-role
  namespace: shop
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: cluster-admin
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: mixed
  namespace: shop
rules:
  - apiGroups: [""]
    resources: [pods, "*/log", "pods/*"]
    verbs: [get]
  - nonResourceURLs: ["*"]
    verbs: [get, "*"]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: aggregated
aggregationRule:
  clusterRoleSelectors: [{matchLabels: {rbac.example.com/aggregate: "true"}}]
---
apiVersion: v1
kind: ReplicationController
metadata:
  name: rc
  namespace: shop
spec:
  template:
    spec:
      serviceAccount: default
      containers: [{name: c, image: "c:1.0.0"}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
  namespace: shop
spec:
  template:
    spec:
      serviceAccountName: db
      automountServiceAccountToken: false
      containers: [{name: db, image: "db:1.0.0"}]
---
apiVersion: v1
kind: Pod
metadata:
  name: bare
  namespace: shop
spec:
  automountServiceAccountToken: false
  containers: [{name: c, image: "c:1.0.0"}]
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: default
  namespace: shop
"""


def run(rule_id):
    manifests = load_manifests(TEXT, "rbac.yaml")
    (entry,) = [r for r in rbac.RULES if r.rule.id == rule_id]
    return list(entry.check(manifests, RuleContext("1.31", environment="prod")))


def test_cluster_admin():
    assert run("rbac-cluster-admin") == [
        Finding(
            "rbac-cluster-admin",
            Severity.ERROR,
            "ClusterRoleBinding 'admins' grants ClusterRole 'cluster-admin'; bind a Role "
            "(or ClusterRole) with only the verbs and resources the subjects need",
            Position("rbac.yaml", 5, 67),
            Resource("ClusterRoleBinding", "admins"),
            "prod",
        )
    ]


def test_wildcard():
    role = Resource("Role", "mixed", "shop")
    assert run("rbac-wildcard") == [
        Finding(
            "rbac-wildcard",
            Severity.ERROR,
            "Role 'mixed' rules[0] grants '*/log' in resources; list the resources needed",
            Position("rbac.yaml", 25, 23),
            role,
            "prod",
        ),
        Finding(
            "rbac-wildcard",
            Severity.ERROR,
            "Role 'mixed' rules[1] grants '*' in verbs; "
            "list the verbs needed, e.g. get, list, watch",
            Position("rbac.yaml", 28, 18),
            role,
            "prod",
        ),
    ]


def test_default_service_account():
    assert run("rbac-default-service-account") == [
        Finding(
            "rbac-default-service-account",
            Severity.WARNING,
            "ReplicationController 'rc' runs as the namespace's 'default' ServiceAccount; "
            "create a ServiceAccount for it and set serviceAccountName",
            Position("rbac.yaml", 45, 7),
            Resource("ReplicationController", "rc", "shop"),
            "prod",
        ),
        Finding(
            "rbac-default-service-account",
            Severity.WARNING,
            "Pod 'bare' sets no serviceAccountName and runs as the namespace's 'default' "
            "ServiceAccount; create a ServiceAccount for it and set serviceAccountName",
            Position("rbac.yaml", 65, 1),
            Resource("Pod", "bare", "shop"),
            "prod",
        ),
    ]

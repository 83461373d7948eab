"""Whole findings (line, severity, message) of the rules on references and API-server refusals
on their failing examples."""

from generator.finding import Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import MANIFEST_RULES
from generator.rules.examples import examples_for

E, W = Severity.ERROR, Severity.WARNING
BY_ID = {entry.rule.id: entry for entry in MANIFEST_RULES}

FAILING = {
    "workload-selector": [
        (
            6,
            E,
            "Deployment web: spec.selector (app=web, tier=frontend) does not match the pod "
            "template's labels (app=web), so the API server refuses it; select labels the "
            "template carries",
        ),
        (
            22,
            E,
            "StatefulSet db: spec.selector is empty, which the API server refuses; select the pod"
            " template's labels (app=db)",
        ),
        (
            36,
            E,
            "ReplicationController legacy: spec.selector (app=legacy-v1) does not match the pod "
            "template's labels (app=legacy), so the API server refuses it; select labels the "
            "template carries",
        ),
    ],
    "workload-container-names": [
        (
            16,
            E,
            "containers[0] of Deployment web is named 'web' like initContainers[0], which the API"
            " server refuses; give each container its own name",
        ),
        (
            20,
            E,
            "containers[2] of Deployment web is named 'proxy' like containers[1], which the API "
            "server refuses; give each container its own name",
        ),
    ],
    "workload-container-ports": [
        (
            17,
            E,
            "container 'web' of Deployment web names two ports 'http', which the API server "
            "refuses; give each port its own name",
        ),
        (
            22,
            W,
            "container 'proxy' of Deployment web names a port 'http' like container 'web' does, "
            "so a Service targeting the name picks either; give each port of the pod its own name",
        ),
        (
            23,
            W,
            "container 'proxy' of Deployment web declares containerPort 8080/TCP like container "
            "'web' does; containers share the pod's network, so only one can listen there: "
            "declare it once",
        ),
    ],
    "workload-volume-mount": [
        (
            23,
            E,
            "StatefulSet db lists two volumes named 'tmp', which the API server refuses; rename "
            "one",
        ),
        (
            19,
            E,
            "container 'db' of StatefulSet db volumeMounts[2] names volume 'run', which the pod "
            "does not list, so the API server refuses it; add the volume to spec.volumes or fix "
            "the name",
        ),
    ],
    "workload-config-reference": [
        (
            20,
            W,
            "container 'orders' env var 'BROKER_PASSWORD' of Deployment orders takes Secret "
            "'rabbitmq', which is not in this set; the pod does not start until it exists: add an"
            " ExternalSecret for it, or mark the reference optional: true (a warning: it may be "
            "created elsewhere)",
        ),
        (
            16,
            W,
            "container 'orders' of Deployment orders takes ConfigMap 'orders-config', which is "
            "not in this set; the pod does not start until it exists: add it, or mark the "
            "reference optional: true (a warning: it may be created elsewhere)",
        ),
        (
            26,
            W,
            "volume 'tls' of Deployment orders takes Secret 'orders-tls', which is not in this "
            "set; the pod does not start until it exists: add an ExternalSecret for it, or mark "
            "the reference optional: true (a warning: it may be created elsewhere)",
        ),
        (
            31,
            W,
            "volume 'ca' of Deployment orders takes ConfigMap 'internal-ca', which is not in this"
            " set; the pod does not start until it exists: add it, or mark the reference "
            "optional: true (a warning: it may be created elsewhere)",
        ),
    ],
    "workload-disruption-budget-fields": [
        (
            7,
            E,
            "PodDisruptionBudget web sets both minAvailable and maxUnavailable, which the API "
            "server refuses; keep one (maxUnavailable: 1 lets drains take one pod at a time)",
        ),
    ],
    "workload-disruption-budget-pods": [
        (
            7,
            W,
            "PodDisruptionBudget web allows no disruption of the 3 replicas of Deployment web "
            "(maxUnavailable 0), so node drains block; set maxUnavailable: 1",
        ),
        (
            17,
            W,
            "PodDisruptionBudget shop selects the pods of Deployment web and Deployment cart and "
            "counts them together, so one of them may lose all its pods at once; give each "
            "workload its own budget",
        ),
        (
            17,
            W,
            "PodDisruptionBudget shop selects the pods of Deployment web like PodDisruptionBudget"
            " web does; the eviction API refuses to evict a pod under two budgets, so node drains"
            " block: keep one",
        ),
        (
            26,
            W,
            "PodDisruptionBudget api selects no pod of the set (pods labelled app=api, "
            "tier=backend), so it protects nothing; select the pods of the workload it is for",
        ),
        (
            33,
            W,
            "PodDisruptionBudget old selects no pod of the set: it has no selector, so it "
            "protects nothing; select the pods of the workload it is for",
        ),
    ],
    "workload-high-availability": [
        (
            12,
            W,
            "Deployment web may run 3 replicas but sets neither topologySpreadConstraints nor a "
            "podAntiAffinity, so the scheduler may put them all on one node; spread them over "
            "kubernetes.io/hostname and topology.kubernetes.io/zone",
        ),
        (
            34,
            W,
            "StatefulSet db may run 3 replicas but sets neither topologySpreadConstraints nor a "
            "podAntiAffinity, so the scheduler may put them all on one node; spread them over "
            "kubernetes.io/hostname and topology.kubernetes.io/zone",
        ),
    ],
    "network-service-selector": [
        (
            6,
            W,
            "Service web selects pods labelled app=web, tier=frontend, but no workload in this "
            "set has them, so it has no endpoints; fix the selector or the pod labels (a warning:"
            " the pods may be deployed from elsewhere)",
        ),
    ],
    "network-service-target-port": [
        (
            9,
            E,
            "Service web targets port 'metrics', which no container of Deployment web declares, "
            "so the Service has no endpoints for it; name a containerPort 'metrics' or target the"
            " port number",
        ),
    ],
    "network-ingress-backend": [
        (
            9,
            E,
            "Ingress web routes its default backend to port 8080 of Service 'web', which has no "
            "such port (its ports: http 80), so the controller answers 503; use one of its ports",
        ),
        (
            19,
            E,
            "Ingress web routes host 'web.example.com' path '/' to port 'https' of Service 'web',"
            " which has no such port (its ports: http 80), so the controller answers 503; use one"
            " of its ports",
        ),
        (
            24,
            W,
            "Ingress web routes host 'web.example.com' path '/api' to Service 'api', which is not"
            " in this set; add the Service or fix the name (a warning: it may be deployed from "
            "elsewhere)",
        ),
    ],
    "network-service-monitor": [
        (
            9,
            W,
            "ServiceMonitor web scrapes port 'metrics', which no Service it selects (Service web)"
            " names, so Prometheus scrapes nothing there; use a Service port name",
        ),
        (
            17,
            W,
            "ServiceMonitor worker selects Services labelled app.kubernetes.io/name=worker, but "
            "no Service it watches in this set has those labels, so Prometheus scrapes nothing; "
            "fix the selector or the Service labels (a warning: the Service may be deployed from "
            "elsewhere)",
        ),
    ],
    "rbac-escalation": [
        (
            9,
            E,
            "Role 'deployer' rules[0] grants 'bind', which lets holders bind roles with more "
            "permissions than they hold; remove it (only the platform's own controllers need it)",
        ),
        (
            9,
            E,
            "Role 'deployer' rules[0] grants 'escalate', which lets holders add any permission to"
            " a role; remove it (only the platform's own controllers need it)",
        ),
        (
            19,
            E,
            "ClusterRole 'support' rules[0] grants 'impersonate', which lets holders act as any "
            "user, group or ServiceAccount; remove it (only the platform's own controllers need "
            "it)",
        ),
    ],
    "rbac-sensitive-access": [
        (
            37,
            W,
            "ClusterRoleBinding 'shop-devs-edit' binds ClusterRole 'edit' cluster-wide, which "
            "reads every Secret of the cluster; bind it with a RoleBinding in the namespaces the "
            "subjects work in",
        ),
        (
            8,
            W,
            "Role 'debug' rules[0] grants create, get on 'pods/exec', so holders can run commands"
            " in the namespace's pods; grant it only to the people who need it, in a role of its "
            "own",
        ),
        (
            11,
            W,
            "Role 'debug' rules[1] grants create on 'rolebindings', so holders can pass the roles"
            " they hold to any subject, including ones the team does not own; grant it only to "
            "the people who need it, in a role of its own",
        ),
        (
            20,
            W,
            "ClusterRole 'secret-reader' rules[0] grants get, list, watch on 'secrets', and "
            "ClusterRoleBinding 'secret-reader' binds it cluster-wide: every Secret of the "
            "cluster; bind it per namespace with RoleBindings, or list resourceNames",
        ),
    ],
    "rbac-role-reference": [
        (
            9,
            W,
            "RoleBinding 'deployer' binds Role 'deploy', which is not a Role of namespace 'shop' "
            "in this set, so the binding grants nothing; add the Role or fix roleRef.name (a "
            "warning: the Role may be created elsewhere)",
        ),
    ],
    "rbac-service-account-token": [
        (
            11,
            W,
            "Deployment web mounts its ServiceAccount token: it does not set "
            "automountServiceAccountToken, nor does ServiceAccount 'web'; set "
            "automountServiceAccountToken: false unless the pod calls the Kubernetes API",
        ),
        (
            30,
            W,
            "Job migrate mounts its ServiceAccount token: it sets automountServiceAccountToken: "
            "true; set automountServiceAccountToken: false unless the pod calls the Kubernetes "
            "API",
        ),
    ],
}


def test_failing_examples_give_these_whole_findings():
    found = {}
    for rule_id in FAILING:
        examples = examples_for(rule_id)
        manifests = load_manifests(examples.failing, "fail.yaml")
        checked = BY_ID[rule_id].check(manifests, examples.context)
        found[rule_id] = [(f.line, f.severity, f.message) for f in checked]
    assert found == FAILING


APP = """\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: app{i}}}
spec:
  replicas: 3
  selector: {{matchLabels: {{app: app{i}}}}}
  template:
    metadata: {{labels: {{app: app{i}, part-of: shop}}}}
    spec:
      serviceAccountName: app{i}
      automountServiceAccountToken: false
      containers:
        - name: app
          image: ghcr.io/example/app:1.0.{i}
          ports: [{{name: http, containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: app{i}}}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: app{i}}}
data: {{LOG_LEVEL: info}}
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: app{i}}}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Service
metadata: {{name: app{i}, labels: {{app: app{i}}}}}
spec:
  selector: {{app: app{i}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: app{i}}}
spec:
  rules:
    - host: app{i}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: app{i}, port: {{name: http}}}}}}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {{name: app{i}}}
spec:
  selector: {{matchLabels: {{app: app{i}}}}}
  endpoints: [{{port: http}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: app{i}}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app: app{i}}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: app{i}}}
spec:
  podSelector: {{matchLabels: {{app: app{i}}}}}
  policyTypes: [Ingress, Egress]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: app{i}}}
rules: [{{apiGroups: [""], resources: [configmaps], verbs: [get]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: app{i}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: app{i}}}
subjects: [{{kind: ServiceAccount, name: app{i}}}]
---
"""


# The apps lack probes, resources, a read-only root, a spread and a default deny; every
# reference among them resolves, so no reference rule speaks.
EXPECTED_RULES = [
    "network-default-deny",
    "workload-high-availability",
    "workload-liveness-probe",
    "workload-probes",
    "workload-read-only-root-filesystem",
    "workload-resources",
]


def _selector_checks(monkeypatch, n):
    """How many selector comparisons every rule together makes on `n` apps in one namespace."""
    import sys

    from generator.k8s import workloads

    original = workloads.selector_matches
    calls = []

    def counting(selector, labels):
        calls.append(None)
        return original(selector, labels)

    for name, module in list(sys.modules.items()):
        if name.startswith("generator") and getattr(module, "selector_matches", None) is original:
            monkeypatch.setattr(module, "selector_matches", counting)
    manifests = load_manifests("".join(APP.format(i=i) for i in range(n)), "apps.yaml")
    ctx = RuleContext("1.31", namespace="shop", environment="prod", min_replicas=2)
    found = [
        f for entry in MANIFEST_RULES if entry.applies(ctx) for f in entry.check(manifests, ctx)
    ]
    assert sorted({f.rule for f in found}) == EXPECTED_RULES
    return len(calls)


def test_rules_compare_selectors_in_time_linear_in_the_objects(monkeypatch):
    # Quadratic matching (every selector against every pod of the namespace) would make
    # four times the apps cost sixteen times the comparisons.
    small, large = _selector_checks(monkeypatch, 25), _selector_checks(monkeypatch, 100)
    assert small > 0
    assert large <= 4 * small + 10

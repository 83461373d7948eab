"""Whole findings of the workload- rules on their failing examples, plus edge cases."""

from generator.finding import Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.examples import examples_for
from generator.rules.workload import RULES


def run(rule_id, text=None, ctx=None):
    [entry] = [e for e in RULES if e.rule.id == rule_id]
    examples = examples_for(rule_id)
    manifests = load_manifests(text if text is not None else examples.failing, "fail.yaml")
    return [
        (f.line, f.column, f.message, f.resource, f.environment, f.severity)
        for f in entry.check(manifests, ctx or examples.context)
    ]


E = Severity.ERROR


def test_probes():
    web = Resource("Deployment", "web")
    assert run("workload-probes") == [
        (
            13,
            11,
            "container 'web' of Deployment web serves a port but has no readinessProbe; add one "
            "so traffic reaches only ready pods",
            web,
            None,
            E,
        ),
    ]


def test_liveness_probe():
    assert run("workload-liveness-probe") == [
        (
            13,
            11,
            "container 'web' of Deployment web has no livenessProbe; add one so a hung process "
            "is restarted",
            Resource("Deployment", "web"),
            None,
            Severity.WARNING,
        ),
    ]


def test_read_only_root_filesystem():
    shop = Resource("Deployment", "legacy-shop")
    message = (
        "container '{}' of Deployment legacy-shop has a writable root filesystem; set "
        "securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes"
    )
    assert run("workload-read-only-root-filesystem") == [
        (16, 13, message.format("legacy-shop"), shop, None, Severity.WARNING),
        (17, 11, message.format("proxy"), shop, None, Severity.WARNING),
    ]


def test_resources():
    web = Resource("Deployment", "web", "dev")
    assert run("workload-resources") == [
        (
            14,
            11,
            "container 'migrate' of Deployment web sets no requests.cpu, "
            "requests.memory, limits.cpu, limits.memory; set resources.requests and "
            "resources.limits for cpu and memory (or give the namespace a LimitRange default)",
            web,
            None,
            E,
        ),
        (
            24,
            15,
            "container 'web' of Deployment web: limits.memory 'lots' is not a Kubernetes "
            "quantity; write e.g. 250m or 1 for cpu, 256Mi for memory",
            web,
            None,
            E,
        ),
        (
            20,
            13,
            "container 'web' of Deployment web sets no requests.memory; set "
            "resources.requests and resources.limits for cpu and memory (or give the namespace a "
            "LimitRange default)",
            web,
            None,
            E,
        ),
    ]


def test_min_replicas():
    assert run("workload-min-replicas") == [
        (
            6,
            3,
            "Deployment web runs 1 replica, below the environment's minimum of 2; set "
            "spec.replicas to at least 2",
            Resource("Deployment", "web", "prod"),
            "prod",
            E,
        ),
        (
            21,
            1,
            "StatefulSet ledger runs 1 replica, below the environment's minimum of 2; set "
            "spec.replicas to at least 2",
            Resource("StatefulSet", "ledger", "prod"),
            "prod",
            E,
        ),
        (
            54,
            3,
            "HorizontalPodAutoscaler api scales Deployment api down to 1 replica, below "
            "the environment's minimum of 2; set spec.minReplicas to at least 2",
            Resource("HorizontalPodAutoscaler", "api", "prod"),
            "prod",
            E,
        ),
    ]


def test_min_replicas_and_disruption_budget_only_apply_with_min_replicas():
    [min_replicas] = [e for e in RULES if e.rule.id == "workload-min-replicas"]
    [budget] = [e for e in RULES if e.rule.id == "workload-disruption-budget"]
    for entry in (min_replicas, budget):
        assert entry.applies(RuleContext("1.31", min_replicas=2))
        assert not entry.applies(RuleContext("1.31"))


def test_disruption_budget():
    assert run("workload-disruption-budget") == [
        (
            4,
            3,
            "Deployment web runs 3 replicas but no PodDisruptionBudget selects its pods; "
            "add one with maxUnavailable: 1 so voluntary disruptions take one pod at a time",
            Resource("Deployment", "web", "prod"),
            "prod",
            E,
        ),
        (
            48,
            3,
            "PodDisruptionBudget ledger allows no disruption of the 3 replicas of "
            "StatefulSet ledger (minAvailable 100%); set maxUnavailable: 1 so nodes can be "
            "drained",
            Resource("PodDisruptionBudget", "ledger", "prod"),
            "prod",
            E,
        ),
    ]


def test_disruption_budget_counts_and_rounding():
    text = """\
kind: Deployment
metadata: {name: web}
spec:
  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}
---
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec: {scaleTargetRef: {kind: Deployment, name: web}, minReplicas: 3, maxReplicas: 9}
---
kind: PodDisruptionBudget
metadata: {name: rounds-up}
spec: {maxUnavailable: 10%, selector: {matchLabels: {app: web}}}
---
kind: PodDisruptionBudget
metadata: {name: empty}
spec: {selector: {}}
---
kind: PodDisruptionBudget
metadata: {name: no-selector}
spec: {maxUnavailable: 0}
"""
    # the HPA's minReplicas (3) counts; 10% of 3 rounds up to 1; a null selector selects
    # nothing; an empty one selects every pod.
    assert run("workload-disruption-budget", text, RuleContext("1.31", min_replicas=2)) == [
        (
            16,
            1,
            "PodDisruptionBudget empty allows no disruption of the 3 replicas of "
            "Deployment web (neither minAvailable nor maxUnavailable); set maxUnavailable: 1 so "
            "nodes can be drained",
            Resource("PodDisruptionBudget", "empty"),
            None,
            E,
        ),
    ]


def test_hpa():
    assert run("workload-hpa") == [
        (
            25,
            3,
            "HorizontalPodAutoscaler web has minReplicas 10 above maxReplicas 5; set "
            "minReplicas to at most maxReplicas",
            Resource("HorizontalPodAutoscaler", "web"),
            None,
            E,
        ),
        (
            16,
            13,
            "container 'web' of Deployment web sets no requests.cpu, but "
            "HorizontalPodAutoscaler web scales on cpu utilization, which is measured against the "
            "request; set resources.requests.cpu",
            Resource("Deployment", "web"),
            None,
            E,
        ),
        (
            41,
            5,
            "HorizontalPodAutoscaler api scales Deployment 'api-server', which is not a "
            "scalable workload in this set; point spec.scaleTargetRef at an existing Deployment "
            "or StatefulSet (kind and name)",
            Resource("HorizontalPodAutoscaler", "api"),
            None,
            E,
        ),
    ]


def test_hpa_container_resource_metric_and_namespaces():
    text = """\
kind: Deployment
metadata: {name: web, namespace: dev}
spec:
  template:
    spec:
      containers:
        - {name: web, resources: {requests: {memory: 1Gi}}}
        - {name: proxy}
---
kind: HorizontalPodAutoscaler
apiVersion: autoscaling/v2
metadata: {name: web, namespace: dev}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 4
  metrics:
    - type: ContainerResource
      containerResource:
        name: memory
        container: web
        target: {type: Utilization, averageUtilization: 80}
---
kind: HorizontalPodAutoscaler
apiVersion: autoscaling/v1
metadata: {name: web, namespace: prod}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 4
"""
    assert run("workload-hpa", text, RuleContext("1.31")) == [
        (
            27,
            38,
            "HorizontalPodAutoscaler web scales Deployment 'web', which is not a scalable "
            "workload of namespace 'prod' in this set; point spec.scaleTargetRef at an existing "
            "Deployment or StatefulSet (kind and name)",
            Resource("HorizontalPodAutoscaler", "web", "prod"),
            None,
            E,
        ),
    ]

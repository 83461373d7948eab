from fractions import Fraction

import pytest
import yaml

from generator.k8s.pod_resources import Value, effective, limit_ranges, pod_amounts
from generator.k8s.workloads import (
    Container,
    containers,
    pod_labels,
    replicas,
    selector_matches,
    surge,
    workloads,
)
from generator.manifest_yaml import load_manifests


def one(text):
    [manifest] = load_manifests(text, "m.yaml")
    return manifest


CRONJOB = """\
apiVersion: batch/v1
kind: CronJob
metadata: {name: report}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      parallelism: 2
      template:
        metadata:
          labels: {app: report}
        spec:
          initContainers:
            - name: fetch
              image: fetch:1
            - name: log-shipper
              image: shipper:1
              restartPolicy: Always
          containers:
            - name: report
              image: report:1
"""


def test_containers_walk_init_then_app_containers_with_paths():
    manifest = one(CRONJOB)
    spec = ("spec", "jobTemplate", "spec", "template", "spec")
    assert [(c.name, c.path, c.init, c.sidecar) for c in containers(manifest)] == [
        ("fetch", (*spec, "initContainers", 0), True, False),
        ("log-shipper", (*spec, "initContainers", 1), True, True),
        ("report", (*spec, "containers", 0), False, False),
    ]
    assert manifest.position(*containers(manifest)[2].path).line == 20
    assert pod_labels(manifest) == {"app": "report"}
    assert replicas(manifest) == 2


@pytest.mark.parametrize(
    ("kind", "spec_path"),
    [
        ("Pod", ("spec",)),
        ("Deployment", ("spec", "template", "spec")),
        ("StatefulSet", ("spec", "template", "spec")),
        ("DaemonSet", ("spec", "template", "spec")),
        ("ReplicaSet", ("spec", "template", "spec")),
        ("ReplicationController", ("spec", "template", "spec")),
        ("Job", ("spec", "template", "spec")),
    ],
)
def test_containers_of_every_pod_kind(kind, spec_path):
    obj = {"containers": [{"name": "app", "image": "app:1"}]}
    for key in reversed(spec_path):
        obj = {key: obj}
    text = yaml.safe_dump({"kind": kind, "metadata": {"name": "x"}, **obj})
    [container] = containers(one(text))
    assert container == Container(
        "app", {"name": "app", "image": "app:1"}, (*spec_path, "containers", 0)
    )


def test_containers_of_other_kinds_are_none():
    assert containers(one("kind: Service\nmetadata: {name: web}\nspec: {}\n")) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kind: Deployment\nspec: {replicas: 3}\n", 3),
        ("kind: Deployment\nspec: {}\n", 1),
        ("kind: StatefulSet\nspec: {replicas: 0}\n", 0),
        ("kind: Job\nspec: {parallelism: 4}\n", 4),
        ("kind: Job\nspec: {}\n", 1),
        ("kind: Pod\nspec: {}\n", 1),
        ("kind: DaemonSet\nspec: {}\n", None),
        ("kind: Service\nspec: {}\n", None),
    ],
)
def test_replicas(text, expected):
    assert replicas(one(text)) == expected


@pytest.mark.parametrize(
    ("text", "pods", "expected"),
    [
        ("kind: Deployment\nspec: {}\n", 10, 3),  # 25% of 10 = 2.5, rounded up
        ("kind: Deployment\nspec: {}\n", 4, 1),
        ("kind: Deployment\nspec: {}\n", 1, 1),
        ("kind: Deployment\nspec: {}\n", 0, 0),
        ("kind: Deployment\nspec: {strategy: {rollingUpdate: {maxSurge: 2}}}\n", 10, 2),
        ("kind: Deployment\nspec: {strategy: {rollingUpdate: {maxSurge: 10%}}}\n", 12, 2),
        ("kind: Deployment\nspec: {strategy: {rollingUpdate: {maxSurge: 0}}}\n", 12, 0),
        ("kind: Deployment\nspec: {strategy: {type: Recreate}}\n", 10, 0),
        ("kind: StatefulSet\nspec: {}\n", 10, 0),
        ("kind: DaemonSet\nspec: {}\n", 10, 0),
    ],
)
def test_surge(text, pods, expected):
    assert surge(one(text), pods) == expected


def test_workloads_find_their_autoscaler_in_their_namespace():
    manifests = load_manifests(
        """\
kind: Deployment
metadata: {name: web, namespace: dev}
spec: {replicas: 2}
---
kind: Deployment
metadata: {name: web, namespace: prod}
spec: {replicas: 3}
---
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 9
---
kind: ConfigMap
metadata: {name: web, namespace: prod}
""",
        "m.yaml",
    )
    found = workloads(manifests, "prod")
    assert [(w.kind, w.name, w.namespace, w.replicas, w.hpa) for w in found] == [
        ("Deployment", "web", "dev", 2, None),
        ("Deployment", "web", "prod", 3, manifests[2]),
    ]


LABELS = {"app": "web", "tier": "frontend"}


@pytest.mark.parametrize(
    ("selector", "matches"),
    [
        ({}, True),
        (None, True),
        ({"matchLabels": {"app": "web"}}, True),
        ({"matchLabels": {"app": "api"}}, False),
        ({"matchLabels": {"app": "web", "zone": "a"}}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["frontend"]}]}, True),
        ({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["batch"]}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}, False),
        ({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["batch"]}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "NotIn", "values": ["a"]}]}, True),
        (
            {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["frontend"]}]},
            False,
        ),
        ({"matchExpressions": [{"key": "app", "operator": "Exists"}]}, True),
        ({"matchExpressions": [{"key": "zone", "operator": "Exists"}]}, False),
        ({"matchExpressions": [{"key": "zone", "operator": "DoesNotExist"}]}, True),
        ({"matchExpressions": [{"key": "app", "operator": "DoesNotExist"}]}, False),
        ({"matchExpressions": [{"key": "app", "operator": "Sometimes"}]}, False),
        (
            {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "tier", "operator": "In", "values": ["batch"]}],
            },
            False,
        ),
    ],
)
def test_selector_matches(selector, matches):
    assert selector_matches(selector, LABELS) is matches


LIMIT_RANGE = """\
kind: LimitRange
metadata: {name: limits, namespace: dev}
spec:
  limits:
    - type: Pod
      max: {cpu: "8"}
    - type: Container
      max: {cpu: "2", memory: 1Gi}
      default: {cpu: 500m}
"""


def test_limit_range_defaults_follow_the_api_defaulting():
    [bounds] = limit_ranges(load_manifests(LIMIT_RANGE, "m.yaml"), None).values()
    assert bounds.name == "limits"
    assert bounds.max == {"cpu": Fraction(2), "memory": Fraction(2**30)}
    # default falls back to max; defaultRequest to default
    assert bounds.default == {"cpu": Fraction(1, 2), "memory": Fraction(2**30)}
    assert bounds.default_request == {"cpu": Fraction(1, 2), "memory": Fraction(2**30)}


def test_effective_resources_fill_requests_from_limits_then_limit_range():
    [bounds] = limit_ranges(load_manifests(LIMIT_RANGE, "m.yaml"), None).values()
    container = Container("web", {"resources": {"limits": {"memory": "512Mi"}}}, ())
    assert effective(container, bounds) == {
        "limits": {"memory": Value(Fraction(2**29), True), "cpu": Value(Fraction(1, 2), False)},
        "requests": {"memory": Value(Fraction(2**29), False), "cpu": Value(Fraction(1, 2), False)},
    }


def _container(name, cpu, *, init=False, sidecar=False):
    return Container(name, {"resources": {"requests": {"cpu": cpu}}}, (), init, sidecar)


def test_pod_request_is_the_larger_of_app_sum_and_largest_init_container():
    pod = [_container("init", "1", init=True), _container("a", "300m"), _container("b", "200m")]
    assert pod_amounts(pod, None, "requests") == {"cpu": Fraction(1)}
    pod = [_container("init", "100m", init=True), _container("a", "300m"), _container("b", "200m")]
    assert pod_amounts(pod, None, "requests") == {"cpu": Fraction(1, 2)}


def test_pod_request_counts_sidecars_with_the_app_and_after_they_start():
    pod = [
        _container("before", "500m", init=True),
        _container("shipper", "100m", init=True, sidecar=True),
        _container("after", "450m", init=True),
        _container("app", "200m"),
    ]
    # running: 200m + 100m sidecar; init peak: max(500m, 100m, 450m + 100m) = 550m
    assert pod_amounts(pod, None, "requests") == {"cpu": Fraction(55, 100)}

"""The pod-spec walker: every workload kind, its pod spec path and its containers in order."""

from generator.finding import Position
from generator.k8s.podspec import containers, pod_specs
from generator.manifest_yaml import load_manifests

TEXT = """\
apiVersion: v1
kind: Pod
metadata: {name: pod}
spec:
  ephemeralContainers: [{name: e}]
  containers: [{name: c1}, {name: c2}]
  initContainers: [{name: i}]
---
apiVersion: v1
kind: PodTemplate
metadata: {name: tmpl}
template:
  spec:
    containers: [{name: t}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deploy}
spec: {template: {spec: {containers: [{name: d}]}}}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: sts}
spec: {template: {spec: {containers: [{name: s}]}}}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds}
spec: {template: {spec: {containers: [{name: ds}]}}}
---
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: rs}
spec: {template: {spec: {containers: [{name: r}]}}}
---
apiVersion: v1
kind: ReplicationController
metadata: {name: rc}
spec: {template: {spec: {containers: [{name: rc}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: job}
spec: {template: {spec: {containers: ["not-a-mapping", {image: "x:1"}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: cron}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: cj
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: no-template}
spec: {replicas: 1}
---
apiVersion: v1
kind: Service
metadata: {name: svc}
spec: {containers: [{name: not-a-pod}]}
"""

T = ("spec", "template", "spec")


def test_pod_specs_of_every_kind():
    pods = list(pod_specs(load_manifests(TEXT, "w.yaml")))
    assert [(p.resource.kind, p.resource.name, p.path) for p in pods] == [
        ("Pod", "pod", ("spec",)),
        ("PodTemplate", "tmpl", ("template", "spec")),
        ("Deployment", "deploy", T),
        ("StatefulSet", "sts", T),
        ("DaemonSet", "ds", T),
        ("ReplicaSet", "rs", T),
        ("ReplicationController", "rc", T),
        ("Job", "job", T),
        ("CronJob", "cron", ("spec", "jobTemplate", "spec", "template", "spec")),
    ]
    assert pods[-1].position() == Position("w.yaml", 53, 9)
    assert pods[-1].position("serviceAccountName") == Position("w.yaml", 53, 9)


def test_containers_in_order_with_paths_and_positions():
    found = [
        (c.resource.name, c.name, c.path, c.position("image"))
        for c in containers(load_manifests(TEXT, "w.yaml"))
    ]
    assert found == [
        ("pod", "i", ("spec", "initContainers", 0), Position("w.yaml", 7, 20)),
        ("pod", "c1", ("spec", "containers", 0), Position("w.yaml", 6, 16)),
        ("pod", "c2", ("spec", "containers", 1), Position("w.yaml", 6, 28)),
        ("pod", "e", ("spec", "ephemeralContainers", 0), Position("w.yaml", 5, 25)),
        ("tmpl", "t", ("template", "spec", "containers", 0), Position("w.yaml", 14, 18)),
        ("deploy", "d", (*T, "containers", 0), Position("w.yaml", 19, 39)),
        ("sts", "s", (*T, "containers", 0), Position("w.yaml", 24, 39)),
        ("ds", "ds", (*T, "containers", 0), Position("w.yaml", 29, 39)),
        ("rs", "r", (*T, "containers", 0), Position("w.yaml", 34, 39)),
        ("rc", "rc", (*T, "containers", 0), Position("w.yaml", 39, 39)),
        ("job", "containers[1]", (*T, "containers", 1), Position("w.yaml", 44, 57)),
        (
            "cron",
            "cj",
            ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0),
            Position("w.yaml", 55, 15),
        ),
    ]

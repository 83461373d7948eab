from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.quota import check_exceeded, check_limit_range

CTX = RuleContext(kubernetes_version="1.31", environment="prod", namespace="prod")

QUOTA = """\
apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
spec:
  hard:
    cpu: "3"
    requests.memory: 6Gi
    limits.cpu: "100"
    limits.memory: 4Gi
    pods: "24"
    count/deployments.apps: "1"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: defaults
spec:
  limits:
    - type: Container
      defaultRequest: {cpu: 50m, memory: 64Mi}
      default: {cpu: 500m, memory: 128Mi}
"""

WORKLOADS = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 10
  template:
    spec:
      initContainers:
        - name: migrate
          resources:
            requests: {cpu: "1", memory: 64Mi}
      containers:
        - name: web
          resources:
            requests: {cpu: 100m, memory: 256Mi}
        - name: proxy
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {kind: Deployment, name: web}
  maxReplicas: 12
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  replicas: 4
  strategy:
    rollingUpdate: {maxSurge: 1}
  template:
    spec:
      containers:
        - name: api
          resources:
            requests: {cpu: 200m, memory: 512Mi}
            limits: {cpu: "1", memory: 1Gi}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: db
          resources:
            requests: {cpu: 500m, memory: 1Gi}
            limits: {memory: 1Gi}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  template:
    spec:
      containers:
        - name: agent
          resources:
            requests: {cpu: "4", memory: 4Gi}
---
apiVersion: batch/v1
kind: Job
metadata:
  name: backfill
  namespace: other
spec:
  template:
    spec:
      containers:
        - name: backfill
          resources:
            requests: {cpu: "8"}
"""


def test_quota_exceeded_explains_each_workloads_share():
    manifests = load_manifests(QUOTA + "---\n" + WORKLOADS, "prod/all.yaml")
    resource = Resource("ResourceQuota", "quota", "prod")

    def finding(line, message):
        return Finding(
            "quota-exceeded",
            Severity.ERROR,
            message,
            Position("prod/all.yaml", line, 5),
            resource,
            "prod",
        )

    # web: 12 (HPA max) + 3 surge pods; a pod requests max(100m + 50m, init 1) = 1 cpu,
    # max(256Mi + 64Mi, 64Mi) = 320Mi memory, limits 500m + 500m cpu, 128Mi + 128Mi memory.
    # api: 4 + 1 pods. db: 2 pods, no surge (StatefulSet), request 500m, limit 500m (default).
    # node-agent (DaemonSet) is not counted; backfill is in another namespace.
    assert list(check_exceeded(manifests, CTX)) == [
        finding(
            7,
            "cpu 17 exceeds the quota 3 (Deployment web 12 (HPA max)+3 pods x 1 = 15, "
            "Deployment api 4+1 pods x 200m = 1, StatefulSet db 2 pods x 500m = 1); "
            "lower replicas or requests, or raise the quota",
        ),
        finding(
            8,
            "requests.memory 9408Mi exceeds the quota 6Gi (Deployment web 12 (HPA max)+3 pods "
            "x 320Mi = 4800Mi, Deployment api 4+1 pods x 512Mi = 2.5Gi, StatefulSet db 2 pods "
            "x 1Gi = 2Gi); lower replicas or requests, or raise the quota",
        ),
        finding(
            10,
            "limits.memory 10.75Gi exceeds the quota 4Gi (Deployment api 4+1 pods x 1Gi = 5Gi, "
            "Deployment web 12 (HPA max)+3 pods x 256Mi = 3.75Gi, StatefulSet db 2 pods "
            "x 1Gi = 2Gi); lower replicas or limits, or raise the quota",
        ),
    ]


def test_pods_quota_and_quotas_that_are_not_evaluated():
    manifests = load_manifests(
        """\
apiVersion: v1
kind: ResourceQuota
metadata: {name: pods, namespace: dev}
spec:
  hard: {pods: "3", requests.cpu: plenty}
---
apiVersion: v1
kind: ResourceQuota
metadata: {name: best-effort, namespace: dev}
spec:
  hard: {pods: "0"}
  scopes: [BestEffort]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: dev}
spec:
  replicas: 3
  strategy: {type: Recreate}
  template: {spec: {containers: [{name: web, resources: {requests: {cpu: 1}}}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: dev}
spec: {containers: [{name: debug}]}
""",
        "dev.yaml",
    )
    assert list(check_exceeded(manifests, RuleContext(kubernetes_version="1.31"))) == [
        Finding(
            "quota-exceeded",
            Severity.ERROR,
            "pods 4 exceeds the quota 3 (Deployment web 3 pods, Pod debug 1 pod); "
            "lower replicas, or raise the quota",
            Position("dev.yaml", 5, 10),
            Resource("ResourceQuota", "pods", "dev"),
        )
    ]


def test_limit_range_bounds_and_request_above_limit():
    manifests = load_manifests(
        """\
apiVersion: v1
kind: LimitRange
metadata: {name: bounds}
spec:
  limits:
    - type: Container
      min: {memory: 32Mi}
      max: {cpu: "1"}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      initContainers:
        - name: setup
          resources:
            requests: {memory: 16Mi}
      containers:
        - name: web
          resources:
            requests: {cpu: 1500m, memory: 64Mi}
        - name: sidecar
          resources:
            requests: {memory: 128Mi}
            limits: {cpu: 100m, memory: 64Mi}
""",
        "web.yaml",
    )
    resource = Resource("Deployment", "web", "prod")

    def finding(line, column, message):
        return Finding(
            "quota-limit-range",
            Severity.ERROR,
            message,
            Position("web.yaml", line, column),
            resource,
            "prod",
        )

    # web gets the limit cpu 1 from max (LimitRange default limit = max), so its request
    # 1500m is above the maximum and above its limit.
    assert list(check_limit_range(manifests, CTX)) == [
        finding(
            19,
            24,
            "container 'setup' of Deployment web: requests.memory 16Mi is below the minimum "
            "32Mi of LimitRange bounds; raise it to at least 32Mi",
        ),
        finding(
            23,
            24,
            "container 'web' of Deployment web: requests.cpu 1500m is above the maximum 1 of "
            "LimitRange bounds; lower it to at most 1",
        ),
        finding(
            23,
            24,
            "container 'web' of Deployment web: requests.cpu 1500m is above limits.cpu 1 "
            "(a default); a request cannot exceed its limit: lower the request or raise the "
            "limit",
        ),
        finding(
            26,
            24,
            "container 'sidecar' of Deployment web: requests.memory 128Mi is above "
            "limits.memory 64Mi; a request cannot exceed its limit: lower the request or "
            "raise the limit",
        ),
    ]


STORAGE = """\
apiVersion: v1
kind: ResourceQuota
metadata:
  name: quota
spec:
  hard:
    requests.storage: 40Gi
    persistentvolumeclaims: "4"
    fast.storageclass.storage.k8s.io/requests.storage: 10Gi
    fast.storageclass.storage.k8s.io/persistentvolumeclaims: "5"
    slow.storageclass.storage.k8s.io/requests.storage: 1Gi
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: uploads
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests: {storage: 5Gi}
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: db
  volumeClaimTemplates:
    - metadata: {name: data}
      spec:
        storageClassName: fast
        resources:
          requests: {storage: 10Gi}
    - metadata: {name: wal}
      spec:
        resources:
          requests: {storage: 2Gi}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: db
spec:
  scaleTargetRef: {kind: StatefulSet, name: db}
  maxReplicas: 3
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: elsewhere
  namespace: other
spec:
  resources:
    requests: {storage: 100Gi}
"""


def test_storage_quota_counts_claims_and_claim_templates_per_replica():
    manifests = load_manifests(STORAGE, "prod/all.yaml")
    resource = Resource("ResourceQuota", "quota", "prod")

    def finding(line, message):
        return Finding(
            "quota-exceeded",
            Severity.ERROR,
            message,
            Position("prod/all.yaml", line, 5),
            resource,
            "prod",
        )

    # db's claims outlive a scale-down: 3 (HPA max) pods x 2 templates; the claim without a
    # storageClassName counts only towards the totals; the other namespace's claim not at all.
    assert list(check_exceeded(manifests, CTX)) == [
        finding(
            7,
            "requests.storage 41Gi exceeds the quota 40Gi (StatefulSet db claim data 3 (HPA "
            "max) x 10Gi = 30Gi, StatefulSet db claim wal 3 (HPA max) x 2Gi = 6Gi, "
            "PersistentVolumeClaim uploads 1 x 5Gi = 5Gi); lower replicas or claim sizes, or "
            "raise the quota",
        ),
        finding(
            8,
            "persistentvolumeclaims 7 exceeds the quota 4 (StatefulSet db claim data 3 (HPA "
            "max) claims, StatefulSet db claim wal 3 (HPA max) claims, PersistentVolumeClaim "
            "uploads 1 claim); lower replicas or claims, or raise the quota",
        ),
        finding(
            9,
            "fast.storageclass.storage.k8s.io/requests.storage 30Gi exceeds the quota 10Gi "
            "(StatefulSet db claim data 3 (HPA max) x 10Gi = 30Gi); lower replicas or claim "
            "sizes, or raise the quota",
        ),
    ]

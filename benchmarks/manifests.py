"""A multi-document Kubernetes file for the lint scaling benchmark: namespaces of 20 apps,
each app a Deployment, Service, ServiceAccount, ConfigMap, PodDisruptionBudget,
HorizontalPodAutoscaler, NetworkPolicy, Ingress, Role and RoleBinding; each namespace a
Namespace, ResourceQuota, LimitRange and default deny. Clean under `--level restricted`, so
every rule runs in full (about 280 bytes a document)."""

APP = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {app}
  namespace: {ns}
  labels: {{app: {app}}}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: {app}}}
  template:
    metadata:
      labels: {{app: {app}}}
    spec:
      serviceAccountName: {app}
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 65532
        seccompProfile: {{type: RuntimeDefault}}
      containers:
        - name: {app}
          image: ghcr.io/example/{app}:1.2.3
          ports: [{{name: http, containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: {app}}}}}]
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
          livenessProbe: {{httpGet: {{path: /live, port: http}}}}
          resources:
            requests: {{cpu: 10m, memory: 16Mi}}
            limits: {{cpu: 100m, memory: 64Mi}}
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata: {{name: {app}, namespace: {ns}}}
spec:
  selector: {{app: {app}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ServiceAccount
metadata: {{name: {app}, namespace: {ns}}}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {app}, namespace: {ns}}}
data: {{LOG_LEVEL: info}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {app}, namespace: {ns}}}
spec:
  maxUnavailable: 1
  selector: {{matchLabels: {{app: {app}}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {app}, namespace: {ns}}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {app}}}
  minReplicas: 2
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: {app}, namespace: {ns}}}
spec:
  podSelector: {{matchLabels: {{app: {app}}}}}
  policyTypes: [Ingress]
  ingress: [{{from: [{{podSelector: {{matchLabels: {{app: {app}}}}}}}]}}]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {{name: {app}, namespace: {ns}}}
spec:
  ingressClassName: nginx
  rules:
    - host: {app}.{ns}.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend: {{service: {{name: {app}, port: {{name: http}}}}}}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {{name: {app}, namespace: {ns}}}
rules: [{{apiGroups: [""], resources: [configmaps], verbs: [get]}}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {{name: {app}, namespace: {ns}}}
roleRef: {{apiGroup: rbac.authorization.k8s.io, kind: Role, name: {app}}}
subjects: [{{kind: ServiceAccount, name: {app}, namespace: {ns}}}]
"""

NAMESPACE = """apiVersion: v1
kind: Namespace
metadata:
  name: {ns}
  labels: {{pod-security.kubernetes.io/enforce: restricted}}
---
apiVersion: v1
kind: ResourceQuota
metadata: {{name: quota, namespace: {ns}}}
spec:
  hard:
    requests.cpu: "100"
    requests.memory: 100Gi
    limits.cpu: "200"
    limits.memory: 200Gi
    pods: "1000"
---
apiVersion: v1
kind: LimitRange
metadata: {{name: limits, namespace: {ns}}}
spec:
  limits:
    - type: Container
      default: {{cpu: 100m, memory: 64Mi}}
      defaultRequest: {{cpu: 10m, memory: 16Mi}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {{name: default-deny, namespace: {ns}}}
spec:
  podSelector: {{}}
  policyTypes: [Ingress, Egress]
"""

APPS_PER_NAMESPACE = 20


def documents(count: int) -> str:
    """About `count` documents (whole apps and namespaces), separated by `---`."""
    parts: list[str] = []
    written = app = 0
    while written < count:
        ns = f"team-{app // APPS_PER_NAMESPACE}"
        if app % APPS_PER_NAMESPACE == 0:
            parts.append(NAMESPACE.format(ns=ns))
            written += NAMESPACE.count("\n---\n") + 1
        parts.append(APP.format(app=f"app-{app}", ns=ns))
        written += APP.count("\n---\n") + 1
        app += 1
    return "---\n".join(parts)

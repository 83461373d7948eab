"""The schema- rules on files: whole findings (position, message, resource), caps, errors."""

import pytest

from generator.errors import InputError
from generator.finding import Resource, sorted_findings
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.schema import MAX_PROBLEMS_PER_OBJECT, RULES

CTX = RuleContext(kubernetes_version="1.31")


def run(text, ctx=CTX, path="manifests.yaml"):
    manifests = load_manifests(text, path)
    return sorted_findings([f for entry in RULES for f in entry.check(manifests, ctx)])


MIXED = """\
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: prod
spec:
  selector:
    app: web
  ports:
    - port: "80"
      targetPort: http
      protocl: TCP
---
apiVersion: policy/v1beta1
kind: PodDisruptionBudget
metadata:
  name: web
---
just a string
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      LOG_LEVEL: 3
  - kind: Secret
"""


def test_findings_on_a_mixed_file():
    assert [str(f) for f in run(MIXED)] == [
        "manifests.yaml:10:7: error: Service spec.ports[0].port: '80' is not of type 'integer' "
        "(schema-invalid)",
        "manifests.yaml:12:7: error: Service spec.ports[0].protocl: unknown field 'protocl'; "
        "did you mean 'protocol'? (schema-invalid)",
        "manifests.yaml:14:1: error: no schema for apiVersion 'policy/v1beta1' kind "
        "'PodDisruptionBudget' in Kubernetes 1.31 nor among the vendored CRDs; use an apiVersion "
        "this Kubernetes version serves, fix the kind's spelling, or vendor the CRD's schema "
        "(scripts/vendor_crds.py) (schema-unknown-kind)",
        "manifests.yaml:19:1: error: document is not a Kubernetes object (a mapping with "
        "apiVersion and kind); complete it or remove it (schema-missing-type)",
        "manifests.yaml:29:7: error: ConfigMap data.LOG_LEVEL: 3 is not of type 'string' "
        "(schema-invalid)",
        "manifests.yaml:30:5: error: object has no apiVersion; add it (e.g. apiVersion: apps/v1 "
        "and kind: Deployment) (schema-missing-type)",
    ]


def test_findings_name_the_resource():
    findings = run(MIXED)
    assert [(f.rule, f.resource) for f in findings] == [
        ("schema-invalid", Resource("Service", "web", "prod")),
        ("schema-invalid", Resource("Service", "web", "prod")),
        ("schema-unknown-kind", Resource("PodDisruptionBudget", "web", None)),
        ("schema-missing-type", None),
        ("schema-invalid", Resource("ConfigMap", "settings", None)),
        ("schema-missing-type", Resource("Secret", "", None)),
    ]


def test_a_kind_is_known_only_in_the_versions_that_serve_it():
    pdb = "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n"
    for version in ("1.25", "1.31"):  # policy/v1beta1 is gone from 1.25 on
        ctx = RuleContext(kubernetes_version=version)
        assert [(f.rule, f.line) for f in run(pdb, ctx)] == [("schema-unknown-kind", 1)]
    hpa = (
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n"
        "spec:\n  scaleTargetRef: {kind: Deployment, name: web}\n  maxReplicas: 3\n"
    )
    assert run(hpa, RuleContext(kubernetes_version="1.25")) == []
    assert [(f.rule, f.line) for f in run(hpa, RuleContext(kubernetes_version="1.26"))] == [
        ("schema-unknown-kind", 1)
    ]


def test_problems_per_object_are_capped():
    extra = "".join(f"field{i:02d}: 1\n" for i in range(25))
    text = f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n{extra}"
    findings = run(text)
    assert [(f.rule, f.line, f.column) for f in findings] == [
        ("schema-invalid", 2, 1),
        *[("schema-invalid", 5 + i, 1) for i in range(MAX_PROBLEMS_PER_OBJECT)],
    ]
    assert (
        findings[1].message
        == "ConfigMap field00: unknown field 'field00'; remove it or check its spelling"
    )
    assert findings[0].message == (
        "ConfigMap has 5 more schema problem(s) not listed (at most 20 per object); "
        "fix the listed ones first"
    )


def test_non_string_type_fields():
    text = "apiVersion: [v1]\nkind: 7\nmetadata:\n  name: x\n"
    assert [str(f) for f in run(text)] == [
        "manifests.yaml:1:1: error: apiVersion ['v1'] is not a string; write the apiVersion as "
        "text (schema-missing-type)",
        "manifests.yaml:2:1: error: kind 7 is not a string; write the kind as text "
        "(schema-missing-type)",
    ]


def test_unsupported_kubernetes_version_is_an_input_error():
    manifests = load_manifests("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", "m.yaml")
    for entry in RULES[1:]:
        with pytest.raises(InputError) as caught:
            list(entry.check(manifests, RuleContext(kubernetes_version="1.40")))
        assert caught.value.message == (
            "Kubernetes version '1.40' is not supported; supported: 1.25 to 1.37"
        )

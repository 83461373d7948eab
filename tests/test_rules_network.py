"""Whole findings of the network- rules on their failing examples, plus edge cases."""

import pytest

from generator.finding import Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules.examples import examples_for
from generator.rules.network import RULES

E = Severity.ERROR


def run(rule_id, text=None, ctx=None):
    [entry] = [e for e in RULES if e.rule.id == rule_id]
    examples = examples_for(rule_id)
    manifests = load_manifests(text if text is not None else examples.failing, "fail.yaml")
    return [
        (f.line, f.column, f.message, f.resource, f.environment, f.severity)
        for f in entry.check(manifests, ctx or examples.context)
    ]


ADD_DENY = (
    "add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] and no "
    "rules, then allow what each app needs"
)


def test_default_deny():
    assert run("network-default-deny") == [
        (
            4,
            3,
            f"namespace 'dev' has no default deny for egress; {ADD_DENY}",
            Resource("Namespace", "dev"),
            None,
            E,
        ),
        (
            20,
            3,
            f"namespace 'staging' has no default deny for ingress; {ADD_DENY}",
            Resource("Namespace", "staging"),
            None,
            E,
        ),
    ]


def test_default_deny_in_the_context_namespace():
    text = """\
apiVersion: v1
kind: ClusterRole
metadata: {name: reader}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
---
apiVersion: v1
kind: ConfigMap
metadata: {name: elsewhere, namespace: other}
"""
    ctx = RuleContext("1.31", environment="prod", namespace="prod")
    assert run("network-default-deny", text, ctx) == [
        (
            7,
            1,
            f"namespace 'prod' has no default deny for ingress and egress; {ADD_DENY}",
            Resource("Namespace", "prod"),
            "prod",
            E,
        ),
    ]
    # without a context namespace, objects that name none are not attributed to any
    assert run("network-default-deny", text, RuleContext("1.31")) == [
        (
            12,
            29,
            f"namespace 'other' has no default deny for ingress and egress; {ADD_DENY}",
            Resource("Namespace", "other"),
            None,
            E,
        ),
    ]


def test_pod_not_covered():
    advice = "add a default deny (podSelector: {}) or a policy selecting them"
    assert run("network-pod-not-covered") == [
        (
            33,
            7,
            "pods of Deployment web (labels: app=web, tier=frontend) are selected by no "
            "NetworkPolicy of namespace 'prod' for egress (those selecting them isolate ingress "
            "only: policyTypes [Ingress], or no policyTypes and no egress rules), so they may "
            "send traffic anywhere; add Egress to the policyTypes of a policy selecting them, or "
            "a default deny for egress",
            Resource("Deployment", "web", "prod"),
            "prod",
            E,
        ),
        (
            48,
            7,
            "pods of Deployment api (labels: app=api) are selected by no NetworkPolicy of "
            "namespace 'prod' for ingress (those selecting them isolate egress only: "
            "policyTypes [Egress]), so any traffic reaches them; add Ingress to the policyTypes "
            "of a policy selecting them, or a default deny for ingress",
            Resource("Deployment", "api", "prod"),
            "prod",
            E,
        ),
        (
            64,
            11,
            "pods of CronJob report (labels: app=web, tier=batch) are selected by no "
            f"NetworkPolicy of namespace 'prod', so any traffic reaches and leaves them; {advice}",
            Resource("CronJob", "report", "prod"),
            "prod",
            E,
        ),
    ]


def test_pod_not_covered_matches_policies_of_the_pods_namespace_only():
    text = """\
kind: NetworkPolicy
metadata: {name: default-deny, namespace: other}
spec: {podSelector: {}}
---
kind: Pod
metadata: {name: debug, namespace: dev}
spec: {containers: [{name: debug}]}
"""
    assert run("network-pod-not-covered", text, RuleContext("1.31")) == [
        (
            6,
            1,
            "pods of Pod debug (labels: none) are selected by no NetworkPolicy of "
            "namespace 'dev', so any traffic reaches and leaves them; add a default deny "
            "(podSelector: {}) or a policy selecting them",
            Resource("Pod", "debug", "dev"),
            None,
            E,
        ),
    ]


POLICY = """\
kind: NetworkPolicy
metadata: {{name: {name}}}
spec:
  podSelector: {{matchLabels: {{app: web}}}}
{spec}
---
"""
WEB = """\
kind: Pod
metadata: {name: web}
spec: {containers: [{name: web}]}
"""


@pytest.mark.parametrize(
    ("spec", "missing"),
    [
        ("  policyTypes: [Ingress, Egress]", None),
        ("  egress: [{to: [{podSelector: {}}]}]", None),  # egress rules: Ingress and Egress
        ("  egress: []", "egress"),  # no egress rules: Ingress only
        ("  policyTypes: []\n  ingress: [{}]", "egress"),  # empty policyTypes are defaulted
        ("  policyTypes: [Egress]", "ingress"),
    ],
)
def test_pod_not_covered_per_direction(spec, missing):
    text = POLICY.format(name="web", spec=spec) + WEB.replace(
        "{name: web}", "{name: web, labels: {app: web}}"
    )
    found = run("network-pod-not-covered", text, RuleContext("1.31"))
    assert [f"for {missing}" in message for _, _, message, *_ in found] == (
        [True] if missing else []
    )


def test_pod_not_covered_adds_the_directions_of_several_policies():
    text = (
        POLICY.format(name="in", spec="  policyTypes: [Ingress]")
        + POLICY.format(name="out", spec="  policyTypes: [Egress]").replace(
            "{matchLabels: {app: web}}", "{matchExpressions: [{key: app, operator: Exists}]}"
        )
        + WEB.replace("{name: web}", "{name: web, labels: {app: web}}")
    )
    assert run("network-pod-not-covered", text, RuleContext("1.31")) == []


def test_ingress_host():
    ingress = Resource("Ingress", "web-canary", "prod")
    assert run("network-ingress-host") == [
        (
            26,
            13,
            "host 'web.example.com' path '/' is already routed by Ingress prod/web; give "
            "this app its own host or path",
            ingress,
            None,
            E,
        ),
        (
            30,
            7,
            "host 'Ledger.example.com:443' is not a valid DNS name; use lowercase letters, "
            "digits, '-' and '.' (a leading '*.' is allowed), without port or scheme",
            ingress,
            None,
            E,
        ),
    ]


def test_ingress_without_host_or_paths():
    text = """\
kind: Ingress
metadata: {name: a}
spec:
  rules:
    - http: {paths: [{path: /}, {path: /}]}
    - host: "*.example.com"
    - host: "*.example.com"
"""
    assert run("network-ingress-host", text, RuleContext("1.31")) == [
        (
            5,
            34,
            "every host (no host set) path '/' is already routed by Ingress a; give this "
            "app its own host or path",
            Resource("Ingress", "a"),
            None,
            E,
        ),
        (
            7,
            7,
            "host '*.example.com' path '/' is already routed by Ingress a; give this app "
            "its own host or path",
            Resource("Ingress", "a"),
            None,
            E,
        ),
    ]

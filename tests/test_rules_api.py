"""`api-` rules: exact findings per target version, version parsing, the vendored data."""

from pathlib import Path

import pytest

import generator
from generator.errors import UsageError
from generator.finding import Finding, Position, Resource, Severity
from generator.manifest_yaml import load_manifests
from generator.rule import RuleContext
from generator.rules import api
from generator.rules.api import Deprecation, deprecations, format_version, parse_kubernetes_version

TEXT = """\
apiVersion: extensions/v1beta1
kind: Deployment
metadata: {name: old, namespace: shop}
---
apiVersion: extensions/v1beta1
kind: Ingress
metadata: {name: web, namespace: shop}
---
apiVersion: flowcontrol.apiserver.k8s.io/v1beta3
kind: PriorityLevelConfiguration
metadata: {name: low}
---
apiVersion: storage.k8s.io/v1beta1
kind: VolumeAttributesClass
metadata: {name: gold}
---
apiVersion: policy/v1beta1
kind: PodSecurityPolicy
metadata: {name: psp}
---
apiVersion: cert-manager.io/v1alpha2
kind: Certificate
metadata: {name: cert, namespace: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: new, namespace: shop}
"""

OLD = Resource("Deployment", "old", "shop")
WEB = Resource("Ingress", "web", "shop")
PLC = Resource("PriorityLevelConfiguration", "low")
VAC = Resource("VolumeAttributesClass", "gold")
PSP = Resource("PodSecurityPolicy", "psp")


def run(rule_id, version):
    manifests = load_manifests(TEXT, "api.yaml")
    (entry,) = [r for r in api.RULES if r.rule.id == rule_id]
    return list(entry.check(manifests, RuleContext(version, environment="stage")))


def at(line, rule_id, message, resource):
    severity = Severity.ERROR if rule_id == "api-removed" else Severity.WARNING
    return Finding(rule_id, severity, message, Position("api.yaml", line, 1), resource, "stage")


def test_removed_and_deprecated_on_1_15():
    assert run("api-removed", "1.15") == []
    assert run("api-deprecated", "v1.15.3") == [
        at(
            1,
            "api-deprecated",
            "Deployment extensions/v1beta1 is deprecated since Kubernetes 1.9 and removed in "
            "1.16 (target 1.15.3); use apps/v1",
            OLD,
        ),
        at(
            5,
            "api-deprecated",
            "Ingress extensions/v1beta1 is deprecated since Kubernetes 1.14 and removed "
            "in 1.22 (target 1.15.3); use networking.k8s.io/v1 (served from Kubernetes 1.19)",
            WEB,
        ),
    ]


def test_removed_and_deprecated_on_1_31():
    assert run("api-removed", "1.31") == [
        at(
            1,
            "api-removed",
            "Deployment extensions/v1beta1 was removed in Kubernetes 1.16 (target 1.31); "
            "use apps/v1",
            OLD,
        ),
        at(
            5,
            "api-removed",
            "Ingress extensions/v1beta1 was removed in Kubernetes 1.22 (target 1.31); "
            "use networking.k8s.io/v1",
            WEB,
        ),
        at(
            17,
            "api-removed",
            "PodSecurityPolicy policy/v1beta1 was removed in Kubernetes 1.25 (target 1.31); "
            "it has no replacement API; remove the object or migrate to what supersedes it",
            PSP,
        ),
    ]
    assert run("api-deprecated", "1.31") == [
        at(
            9,
            "api-deprecated",
            "PriorityLevelConfiguration flowcontrol.apiserver.k8s.io/v1beta3 is deprecated since "
            "Kubernetes 1.31 and removed in 1.32 (target 1.31); "
            "use flowcontrol.apiserver.k8s.io/v1",
            PLC,
        ),
    ]


def test_deprecated_without_removal_on_1_34():
    assert run("api-deprecated", "1.34.0") == [
        at(
            13,
            "api-deprecated",
            "VolumeAttributesClass storage.k8s.io/v1beta1 is deprecated since Kubernetes 1.34 "
            "(target 1.34); use storage.k8s.io/v1",
            VAC,
        ),
    ]
    assert [f.resource for f in run("api-removed", "1.34.0")] == [OLD, WEB, PLC, PSP]


def test_bad_target_version():
    with pytest.raises(UsageError) as info:
        run("api-removed", "latest")
    assert str(info.value) == (
        "error: Kubernetes version 'latest' is not [v]MAJOR.MINOR[.PATCH]; give it as e.g. 1.31"
    )


@pytest.mark.parametrize(
    ("text", "version"),
    [("v1.16.0", (1, 16, 0)), ("1.31", (1, 31, 0)), ("1.31.2", (1, 31, 2)), ("v1.9", (1, 9, 0))],
)
def test_parse_kubernetes_version(text, version):
    assert parse_kubernetes_version(text) == version


@pytest.mark.parametrize("text", ["1", "1.x", "v1.2.3.4", "", "1.31-gke"])
def test_parse_kubernetes_version_rejects(text):
    with pytest.raises(ValueError):
        parse_kubernetes_version(text)


def test_versions_compare_as_numbers():
    assert parse_kubernetes_version("1.9") < parse_kubernetes_version("v1.16.0")
    assert parse_kubernetes_version("1.31") == parse_kubernetes_version("v1.31.0")
    assert [format_version(v) for v in [(1, 9, 0), (1, 31, 2)]] == ["1.9", "1.31.2"]


def test_data_is_cached_and_kubernetes_only():
    table = deprecations()
    assert deprecations() is table
    assert ("cert-manager.io/v1alpha2", "Certificate") not in table
    assert table[("extensions/v1beta1", "Ingress")] == Deprecation(
        "extensions/v1beta1", "Ingress", (1, 14, 0), (1, 22, 0), "networking.k8s.io/v1", (1, 19, 0)
    )
    assert table[("extensions/v1beta1", "ReplicaSet")].deprecated_in is None


def test_vendored_data_is_verbatim():
    vendored = Path(generator.__file__).parent / "data" / "pluto-versions.yaml"
    first = vendored.read_text(encoding="utf-8").splitlines()[0]
    assert first == (
        "# source: github.com/FairwindsOps/pluto @ dd5ec8cccce5e42dfe8054b8250baa35546056a0 "
        "(2026-04-27 18:39:05 +0000), file versions.yaml (verbatim below)"
    )

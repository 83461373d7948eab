"""The schema registry: bundled Kubernetes schemas per version, vendored CRD schemas, caching."""

import copy
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from generator.errors import InputError
from generator.k8s import schema as k8sschema
from generator.k8s.schema import SchemaProblem, SchemaRegistry, UnknownKind, supported_versions
from generator.k8s.schema_crd import crd_json_schema
from generator.paths import schemas_dir

ROOT = Path(__file__).resolve().parent.parent
# The pinned upstream inputs, vendored with their provenance (tests/data/upstream/README.md).
UPSTREAM = Path(__file__).resolve().parent / "data" / "upstream"

DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "prod", "labels": {"app": "web"}},
    "spec": {
        "replicas": 3,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {
            "type": "RollingUpdate",
            "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": 0},
        },
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [
                    {
                        "name": "web",
                        "image": "registry.example.com/web:1.4.2",
                        "ports": [{"containerPort": 8080, "name": "http"}],
                        "readinessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
                    }
                ]
            },
        },
    },
}

APPLICATION = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "Application",
    "metadata": {
        "name": "web-prod",
        "namespace": "argocd",
        "finalizers": ["resources-finalizer.argocd.argoproj.io"],
    },
    "spec": {
        "project": "prod",
        "source": {
            "repoURL": "https://github.com/example/gitops.git",
            "targetRevision": "main",
            "path": "overlays/prod/web",
        },
        "destination": {"server": "https://kubernetes.default.svc", "namespace": "prod"},
        "syncPolicy": {
            "automated": {"prune": True, "selfHeal": True},
            "syncOptions": ["CreateNamespace=false", "ServerSideApply=true"],
            "retry": {"limit": 5, "backoff": {"duration": "5s", "factor": 2, "maxDuration": "3m"}},
        },
        "revisionHistoryLimit": 10,
    },
}

APP_PROJECT = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "AppProject",
    "metadata": {"name": "prod", "namespace": "argocd"},
    "spec": {
        "description": "Applications of the prod environment",
        "sourceRepos": ["https://github.com/example/gitops.git"],
        "destinations": [{"server": "https://kubernetes.default.svc", "namespace": "prod"}],
        "clusterResourceWhitelist": [{"group": "", "kind": "Namespace"}],
        "namespaceResourceWhitelist": [{"group": "apps", "kind": "Deployment"}],
        "roles": [
            {
                "name": "deployer",
                "policies": ["p, proj:prod:deployer, applications, sync, prod/*, allow"],
            }
        ],
    },
}

APPLICATION_SET = {
    "apiVersion": "argoproj.io/v1alpha1",
    "kind": "ApplicationSet",
    "metadata": {"name": "web", "namespace": "argocd"},
    "spec": {
        "goTemplate": True,
        "generators": [{"list": {"elements": [{"env": "staging"}, {"env": "prod"}]}}],
        "template": {
            "metadata": {"name": "web-{{.env}}"},
            "spec": {
                "project": "{{.env}}",
                "source": {
                    "repoURL": "https://github.com/example/gitops.git",
                    "targetRevision": "main",
                    "path": "overlays/{{.env}}/web",
                },
                "destination": {
                    "server": "https://kubernetes.default.svc",
                    "namespace": "{{.env}}",
                },
            },
        },
    },
}

EXTERNAL_SECRET = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ExternalSecret",
    "metadata": {"name": "web", "namespace": "prod"},
    "spec": {
        "refreshInterval": "1h",
        "secretStoreRef": {"name": "vault", "kind": "ClusterSecretStore"},
        "target": {"name": "web", "creationPolicy": "Owner"},
        "data": [{"secretKey": "DB_PASSWORD", "remoteRef": {"key": "prod/web", "property": "db"}}],
    },
}

CLUSTER_EXTERNAL_SECRET = {
    "apiVersion": "external-secrets.io/v1",
    "kind": "ClusterExternalSecret",
    "metadata": {"name": "registry-credentials"},
    "spec": {
        "namespaceSelectors": [{"matchLabels": {"team": "web"}}],
        "refreshTime": "1m",
        "externalSecretSpec": {
            "secretStoreRef": {"name": "vault", "kind": "ClusterSecretStore"},
            "target": {"name": "registry-credentials"},
            "dataFrom": [{"extract": {"key": "shared/registry"}}],
        },
    },
}

SERVICE_MONITOR = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "ServiceMonitor",
    "metadata": {"name": "web", "namespace": "prod"},
    "spec": {
        "selector": {"matchLabels": {"app": "web"}},
        "endpoints": [{"port": "http", "path": "/metrics", "interval": "30s"}],
    },
}

SCHEDULE = {
    "apiVersion": "velero.io/v1",
    "kind": "Schedule",
    "metadata": {"name": "prod-orders-db", "namespace": "velero"},
    "spec": {
        "schedule": "0 2 * * *",
        "useOwnerReferencesInBackup": False,
        "template": {
            "includedNamespaces": ["prod"],
            "labelSelector": {"matchLabels": {"app.kubernetes.io/name": "orders-db"}},
            "storageLocation": "prod-s3",
            "ttl": "720h",
            "snapshotVolumes": False,
            "defaultVolumesToFsBackup": True,
        },
    },
}

CERTIFICATE = {
    "apiVersion": "cert-manager.io/v1",
    "kind": "Certificate",
    "metadata": {"name": "web", "namespace": "prod"},
    "spec": {
        "secretName": "web-tls",
        "dnsNames": ["web.example.com"],
        "issuerRef": {"name": "letsencrypt-prod", "kind": "ClusterIssuer"},
    },
}

ISSUER = {
    "apiVersion": "cert-manager.io/v1",
    "kind": "Issuer",
    "metadata": {"name": "self-signed", "namespace": "prod"},
    "spec": {"selfSigned": {}},
}

CLUSTER_ISSUER = {
    "apiVersion": "cert-manager.io/v1",
    "kind": "ClusterIssuer",
    "metadata": {"name": "letsencrypt-prod"},
    "spec": {
        "acme": {
            "server": "https://acme-v02.api.letsencrypt.org/directory",
            "email": "platform@example.com",
            "privateKeySecretRef": {"name": "letsencrypt-prod-account"},
            "solvers": [{"http01": {"ingress": {"ingressClassName": "nginx"}}}],
        }
    },
}


@pytest.fixture
def loads(monkeypatch):
    """Every schema file a registry reads, as 'folder/file'."""
    seen = []
    real = k8sschema.load_json

    def recording(resource):
        seen.append(f"{Path(str(resource)).parent.name}/{resource.name}")
        return real(resource)

    monkeypatch.setattr(k8sschema, "load_json", recording)
    return seen


def with_value(obj, path, value):
    """A deep copy of obj, the node at path set to value (or its key renamed: ('rename', new))."""
    obj = copy.deepcopy(obj)
    parent = obj
    for key in path[:-1]:
        parent = parent[key]
    if isinstance(value, tuple) and value[0] == "rename":
        parent[value[1]] = parent.pop(path[-1])
    else:
        parent[path[-1]] = value
    return obj


def test_supported_versions():
    assert supported_versions() == [f"1.{minor}" for minor in range(25, 38)]


@pytest.mark.parametrize("requested", ["1.31", "v1.31", "1.31.4"])
def test_version_picks_the_bundled_minor(loads, requested):
    registry = SchemaRegistry()
    registry.validator("apps/v1", "Deployment", requested)
    assert loads == [
        "v1.31.0-local-strict/deployment-apps-v1.json",
        "v1.31.0-local-strict/_definitions.json",
    ]


def test_non_strict_uses_the_non_strict_bundle(loads):
    SchemaRegistry().validator("v1", "ConfigMap", "1.27", strict=False)
    assert loads == ["v1.27.0-local/configmap-v1.json", "v1.27.0-local/_definitions.json"]


@pytest.mark.parametrize(
    ("requested", "message"),
    [
        ("1.99", "Kubernetes version '1.99' is not supported; supported: 1.25 to 1.37"),
        ("1.24", "Kubernetes version '1.24' is not supported; supported: 1.25 to 1.37"),
        ("latest", "Kubernetes version 'latest' is not MAJOR.MINOR; supported: 1.25 to 1.37"),
    ],
)
def test_unsupported_version_is_an_input_error(requested, message):
    with pytest.raises(InputError) as caught:
        SchemaRegistry().problems(DEPLOYMENT, requested)
    assert caught.value.message == message


def test_validator_is_compiled_once_and_schema_files_read_once(loads):
    registry = SchemaRegistry()
    first = registry.validator("apps/v1", "Deployment", "1.31")
    for _ in range(3):
        assert registry.problems(DEPLOYMENT, "1.31") == []
        assert registry.validator("apps/v1", "Deployment", "1.31.2") is first
    registry.problems({**DEPLOYMENT, "kind": "StatefulSet"}, "1.31")
    registry.problems(APPLICATION, "1.31")
    registry.problems(APPLICATION, "1.30")
    registry.problems(APP_PROJECT, "1.31")
    assert registry.validator("argoproj.io/v1alpha1", "Application", "1.25") is registry.validator(
        "argoproj.io/v1alpha1", "Application", "1.37"
    )
    assert loads == [
        "v1.31.0-local-strict/deployment-apps-v1.json",
        "v1.31.0-local-strict/_definitions.json",
        "v1.31.0-local-strict/statefulset-apps-v1.json",
        "crds/_index.json",
        "crds/argoproj.io_application_v1alpha1.json",
        "crds/argoproj.io_appproject_v1alpha1.json",
    ]


def test_unknown_kinds_are_cached_too(loads):
    registry = SchemaRegistry()
    for _ in range(3):
        with pytest.raises(UnknownKind):
            registry.validator("example.com/v1", "Widget", "1.31")
    assert loads == ["crds/_index.json"]


def test_concurrent_lookups_share_one_validator(loads):
    registry = SchemaRegistry()
    found = []
    barrier = threading.Barrier(8)

    def lookup():
        barrier.wait()
        found.append(registry.validator("apps/v1", "Deployment", "1.33"))

    threads = [threading.Thread(target=lookup) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(found) == 8
    assert all(v is found[0] for v in found)
    assert loads == [
        "v1.33.0-local-strict/deployment-apps-v1.json",
        "v1.33.0-local-strict/_definitions.json",
    ]


def test_default_registry_is_one_object():
    assert k8sschema.default_registry() is k8sschema.default_registry()


@pytest.mark.parametrize(
    ("api_version", "kind", "version"),
    [
        ("policy/v1beta1", "PodDisruptionBudget", "1.31"),  # removed in 1.25
        ("autoscaling/v2beta2", "HorizontalPodAutoscaler", "1.31"),  # removed in 1.26
        ("apps/v1", "deployment", "1.31"),  # kinds are case-sensitive
        ("apps.example.com/v1", "Deployment", "1.31"),  # same file name, other group
        ("apps/v1", "DeploymentSpec", "1.31"),  # a part of a kind, not a kind
        ("apps/v1", "../../../etc/passwd", "1.31"),
        ("argoproj.io/v1beta1", "Application", "1.31"),
        ("cert-manager.io/v1beta1", "Certificate", "1.31"),  # only v1 is vendored
        ("velero.io/v1", "Backup", "1.31"),  # only the Schedule is vendored
    ],
)
def test_unknown_kind(api_version, kind, version):
    with pytest.raises(UnknownKind) as caught:
        SchemaRegistry().problems({"apiVersion": api_version, "kind": kind}, version)
    assert (caught.value.api_version, caught.value.kind, caught.value.kubernetes_version) == (
        api_version,
        kind,
        version,
    )
    assert str(caught.value) == (
        f"no schema for apiVersion {api_version!r} kind {kind!r} "
        f"in Kubernetes {version} or the vendored CRDs"
    )


def test_removed_kind_is_known_where_it_still_exists():
    hpa = {
        "apiVersion": "autoscaling/v2beta2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": "web"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
            "minReplicas": 2,
            "maxReplicas": 5,
        },
    }
    assert SchemaRegistry().problems(hpa, "1.25") == []


def test_missing_api_version_or_kind_is_unknown():
    with pytest.raises(UnknownKind) as caught:
        SchemaRegistry().problems({"kind": "ConfigMap"}, "1.31")
    assert (caught.value.api_version, caught.value.kind) == ("", "ConfigMap")


def test_deployment_with_string_replicas():
    obj = with_value(DEPLOYMENT, ("spec", "replicas"), "3")
    assert SchemaRegistry().problems(obj, "1.31") == [
        SchemaProblem(("spec", "replicas"), "spec.replicas: '3' is not of type 'integer'")
    ]


def test_deployment_problems_are_sorted_by_path_and_complete():
    obj = with_value(
        DEPLOYMENT, ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"), "80"
    )
    obj = with_value(obj, ("spec", "replicas"), ("rename", "replica"))
    obj = with_value(obj, ("spec", "strategy", "rollingUpdate", "maxSurge"), [1])
    del obj["spec"]["selector"]
    assert SchemaRegistry().problems(obj, "1.31") == [
        SchemaProblem(("spec",), "spec: required field 'selector' is missing; add it"),
        SchemaProblem(
            ("spec", "replica"), "spec.replica: unknown field 'replica'; did you mean 'replicas'?"
        ),
        SchemaProblem(
            ("spec", "strategy", "rollingUpdate", "maxSurge"),
            "spec.strategy.rollingUpdate.maxSurge: [1] is not of type 'string' or 'integer'",
        ),
        SchemaProblem(
            ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort"),
            "spec.template.spec.containers[0].ports[0].containerPort: "
            "'80' is not of type 'integer'",
        ),
    ]


def test_non_strict_allows_unknown_fields():
    obj = with_value(DEPLOYMENT, ("spec", "replicas"), ("rename", "replica"))
    assert SchemaRegistry().problems(obj, "1.31", strict=False) == []
    app = with_value(APPLICATION, ("spec", "project"), ("rename", "projct"))
    assert SchemaRegistry().problems(app, "1.31", strict=False) == [
        SchemaProblem(("spec",), "spec: required field 'project' is missing; add it")
    ]


VENDORED = [
    # (valid object, (path, misspelled name), (path, value of a wrong type), expected messages)
    (
        APPLICATION,
        (("spec", "syncPolicy", "automated", "selfHeal"), "selfheal"),
        (("spec", "source", "path"), ["overlays"]),
        [
            "spec.source.path: ['overlays'] is not of type 'string'",
            "spec.syncPolicy.automated.selfheal: unknown field 'selfheal'; "
            "did you mean 'selfHeal'?",
        ],
    ),
    (
        APP_PROJECT,
        (("spec", "sourceRepos"), "sourceRepo"),
        (("spec", "destinations", 0, "namespace"), 7),
        [
            "spec.destinations[0].namespace: 7 is not of type 'string'",
            "spec.sourceRepo: unknown field 'sourceRepo'; did you mean 'sourceRepos'?",
        ],
    ),
    (
        APPLICATION_SET,
        (("spec", "goTemplate"), "gotemplate"),
        (("spec", "template", "spec", "project"), True),
        [
            "spec.gotemplate: unknown field 'gotemplate'; did you mean 'goTemplate'?",
            "spec.template.spec.project: True is not of type 'string'",
        ],
    ),
    (
        EXTERNAL_SECRET,
        (("spec", "secretStoreRef", "kind"), "knd"),
        (("spec", "refreshInterval"), 3600),
        [
            "spec.refreshInterval: 3600 is not of type 'string'",
            "spec.secretStoreRef.knd: unknown field 'knd'; did you mean 'kind'?",
        ],
    ),
    (
        CLUSTER_EXTERNAL_SECRET,
        (("spec", "externalSecretSpec", "target", "name"), "nmae"),
        (("spec", "refreshTime"), 60),
        [
            "spec.externalSecretSpec.target.nmae: unknown field 'nmae'; did you mean 'name'?",
            "spec.refreshTime: 60 is not of type 'string'",
        ],
    ),
    (
        SERVICE_MONITOR,
        (("spec", "endpoints", 0, "interval"), "intervall"),
        (("spec", "endpoints", 0, "path"), 9090),
        [
            "spec.endpoints[0].intervall: unknown field 'intervall'; did you mean 'interval'?",
            "spec.endpoints[0].path: 9090 is not of type 'string'",
        ],
    ),
    (
        SCHEDULE,
        (("spec", "template", "storageLocation"), "storagelocation"),
        (("spec", "template", "ttl"), 720),
        [
            "spec.template.storagelocation: unknown field 'storagelocation'; "
            "did you mean 'storageLocation'?",
            "spec.template.ttl: 720 is not of type 'string'",
        ],
    ),
    (
        CERTIFICATE,
        (("spec", "issuerRef", "kind"), "knd"),
        (("spec", "dnsNames"), "web.example.com"),
        [
            "spec.dnsNames: 'web.example.com' is not of type 'array'",
            "spec.issuerRef.knd: unknown field 'knd'; did you mean 'kind'?",
        ],
    ),
    (
        ISSUER,
        (("spec", "selfSigned"), "selfsigned"),
        (("metadata",), "self-signed"),
        [
            "metadata: 'self-signed' is not of type 'object'",
            "spec.selfsigned: unknown field 'selfsigned'; did you mean 'selfSigned'?",
        ],
    ),
    (
        CLUSTER_ISSUER,
        (("spec", "acme", "privateKeySecretRef", "name"), "nam"),
        (("spec", "acme", "solvers"), {}),
        [
            "spec.acme.privateKeySecretRef: required field 'name' is missing; add it",
            "spec.acme.privateKeySecretRef.nam: unknown field 'nam'; did you mean 'name'?",
            "spec.acme.solvers: {} is not of type 'array'",
        ],
    ),
]


@pytest.mark.parametrize(
    ("obj", "misspelled", "wrong_type", "messages"),
    VENDORED,
    ids=lambda v: v["kind"] if isinstance(v, dict) else "",
)
@pytest.mark.parametrize("version", ["1.25", "1.37"])
def test_vendored_crd_schemas(obj, misspelled, wrong_type, messages, version):
    registry = SchemaRegistry()
    assert registry.problems(obj, version) == []
    bad = with_value(obj, misspelled[0], ("rename", misspelled[1]))
    bad = with_value(bad, *wrong_type)
    assert [p.message for p in registry.problems(bad, version)] == messages


def test_argocd_root_is_strict_and_typed():
    registry = SchemaRegistry()
    obj = {**APPLICATION, "sepc": {}, "kind": "Application", "apiVersion": "argoproj.io/v1alpha1"}
    del obj["metadata"]
    assert [p.message for p in registry.problems(obj, "1.31")] == [
        "(root): required field 'metadata' is missing; add it",
        "sepc: unknown field 'sepc'; did you mean 'spec'?",
    ]


def test_crd_conversion():
    open_api = {
        "type": "object",
        "required": ["spec"],
        "properties": {
            "apiVersion": {"type": "string"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "properties": {
                    "count": {
                        "anyOf": [{"type": "integer"}, {"type": "string"}],
                        "x-kubernetes-int-or-string": True,
                    },
                    "note": {"type": "string", "nullable": True},
                    "port": {"x-kubernetes-int-or-string": True, "nullable": True},
                    "values": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "items": {
                        "type": "array",
                        "items": {"type": "object", "properties": {"a": {"type": "string"}}},
                    },
                },
            },
        },
    }
    assert crd_json_schema(open_api, "example.com/v1", "Widget") == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["apiVersion", "kind", "spec"],
        "additionalProperties": False,
        "properties": {
            "apiVersion": {"type": "string", "const": "example.com/v1"},
            "kind": {"const": "Widget"},
            "metadata": {"type": "object"},
            "spec": {
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "count": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
                    "note": {"type": ["string", "null"]},
                    "port": {"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]},
                    "values": {"type": "object", "x-kubernetes-preserve-unknown-fields": True},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "items": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"a": {"type": "string"}},
                            "additionalProperties": False,
                        },
                    },
                },
            },
        },
    }


def test_vendor_script_reproduces_the_committed_files(tmp_path):
    assert UPSTREAM.is_dir(), f"pinned upstream files not found at {UPSTREAM}"
    out = tmp_path / "crds"
    result = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "vendor_crds.py"),
            "--upstream",
            str(UPSTREAM),
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    committed = Path(str(schemas_dir())) / "crds"
    names = sorted(p.name for p in committed.iterdir())
    assert sorted(p.name for p in out.iterdir()) == names
    for name in names:
        assert (out / name).read_bytes() == (committed / name).read_bytes(), name
    assert json.loads((committed / "_index.json").read_text()) == {
        "argoproj.io/v1alpha1": {
            "AppProject": "argoproj.io_appproject_v1alpha1.json",
            "Application": "argoproj.io_application_v1alpha1.json",
            "ApplicationSet": "argoproj.io_applicationset_v1alpha1.json",
        },
        "cert-manager.io/v1": {
            "Certificate": "cert-manager.io_certificate_v1.json",
            "ClusterIssuer": "cert-manager.io_clusterissuer_v1.json",
            "Issuer": "cert-manager.io_issuer_v1.json",
        },
        "external-secrets.io/v1": {
            "ClusterExternalSecret": "external-secrets.io_clusterexternalsecret_v1.json",
            "ExternalSecret": "external-secrets.io_externalsecret_v1.json",
        },
        "monitoring.coreos.com/v1": {
            "ServiceMonitor": "monitoring.coreos.com_servicemonitor_v1.json"
        },
        "velero.io/v1": {"Schedule": "velero.io_schedule_v1.json"},
    }

"""Autoscaling merges defaults < app < environment key by key; the checks judge the merged
values the model builds (a regression the Hypothesis strategy found)."""

from pathlib import Path

from generator.catalog.load import catalog_findings, load_catalog
from generator.catalog.model import Autoscaling
from generator.yamlio import load_located

HEAD = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository: {url: https://git.example.com/gitops.git}
clusters:
  main: {server: https://main.example.com, kubernetesVersion: "1.31"}
teams:
  web: {groups: [devs]}
environments:
  dev: {cluster: main, namespace: dev}
  prod: {cluster: main, namespace: prod, minReplicas: 2}
"""


def findings(text):
    doc = load_located(text, "catalog.yaml")
    return [(f.line, f.column, f.rule, f.message) for f in catalog_findings(doc)]


def test_an_environment_that_lowers_max_below_the_apps_min_is_an_error():
    text = (
        HEAD
        + """\
defaults:
  autoscaling: {minReplicas: 4, maxReplicas: 3}
apps:
  api:
    team: web
    image: ghcr.io/example/api
    autoscaling: {minReplicas: 3, maxReplicas: 5}
    environments:
      dev: {version: 1.0.0, autoscaling: {maxReplicas: 2}}
      prod: {version: 1.0.0, autoscaling: {maxReplicas: 8}}
"""
    )
    assert findings(text) == [
        (
            12,
            30,
            "catalog-autoscaling",
            "autoscaling of the defaults has minReplicas 4 above maxReplicas 3; raise "
            "maxReplicas or lower minReplicas",
        ),
        (
            19,
            56,
            "catalog-autoscaling",
            "autoscaling of app 'api' in 'dev' has minReplicas 3 (from "
            "`apps.api.autoscaling.minReplicas`) above maxReplicas 2; raise maxReplicas or lower "
            "minReplicas",
        ),
    ]


def test_min_replicas_counts_the_merged_autoscaling(tmp_path: Path):
    text = (
        HEAD
        + """\
apps:
  api:
    team: web
    image: ghcr.io/example/api
    autoscaling: {minReplicas: 3, maxReplicas: 5}
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
    environments:
      dev: {version: 1.0.0}
      prod: {version: 1.0.0, autoscaling: {maxReplicas: 8}}
"""
    )
    assert findings(text) == []
    path = tmp_path / "catalog.yaml"
    path.write_text(text)
    app = load_catalog(path, "catalog.yaml").apps[0]
    assert [(d.environment, d.values.autoscaling) for d in app.deployments] == [
        ("dev", app.values.autoscaling),
        ("prod", Autoscaling(min_replicas=3, max_replicas=8, target_cpu=80)),
    ]

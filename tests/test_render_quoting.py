"""Regressions the Hypothesis properties found: config only in an environment, quoted config
values, and strings that YAML 1.2 or go-yaml v2 read as numbers or booleans."""

import yaml

from generator import kustomize
from generator.api import Repository, generate
from generator.render.base import literals
from generator.yamlout import dump
from tests.helpers import make_repo

CATALOG = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository: {url: https://git.example.com/gitops.git}
clusters:
  main: {server: https://main.example.com, kubernetesVersion: "1.31"}
teams:
  web: {groups: ["0o17", "y", "0b+0", "0o-7"]}
environments:
  dev: {cluster: main, namespace: "n", access: {web: view}}
apps:
  api:
    team: web
    image: ghcr.io/example/api
    resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 128Mi}}
    probes:
      liveness: {command: ["1e3", "1_000", "0x1F"]}
    environments:
      dev:
        version: 1.0.0
        config: {QUOTED: "'single'", DOUBLE: '"double"', PLAIN: "a=b"}
"""


def test_strings_that_other_yaml_readers_take_for_numbers_or_booleans_are_quoted():
    values = ["0o17", "1e3", "1_000", "0b11", "+1", ".5", "y", "N", "x1", "e3", "yes", 7, True]
    values += ["0b+0", "0o-7", "0b_+1", "0x+1"]  # go-yaml: 0, -7, 1; a string
    assert dump({"v": values}) == (
        "v:\n- '0o17'\n- '1e3'\n- '1_000'\n- '0b11'\n- '+1'\n- '.5'\n- 'y'\n- 'N'\n"
        "- x1\n- e3\n- 'yes'\n- 7\n- true\n- '0b+0'\n- '0o-7'\n- '0b_+1'\n- 0x+1\n"
    )


def test_literals_keep_quotes_around_a_value():
    assert literals({"A": "'x'", "B": '"y"', "C": "'z\"", "D": "plain", "E": "'"}) == [
        "A=\"'x'\"",
        'B=""y""',
        "C='z\"",
        "D=plain",
        "E='",
    ]


def test_config_only_in_an_environment_and_quoted_values_build_as_written(tmp_path):
    root = make_repo(tmp_path, CATALOG)
    result = generate(Repository.at(root))
    overlay = result.tree["overlays/dev/api/kustomization.yaml"].decode()
    assert overlay.split("\n", 2)[2] == (
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        "namespace: 'n'\n"
        "resources:\n"
        "- ../../../base/api\n"
        "labels:\n"
        "- pairs:\n"
        "    gitopsgen.io/environment: dev\n"
        "  includeTemplates: true\n"
        "images:\n"
        "- name: ghcr.io/example/api\n"
        "  newTag: 1.0.0\n"
        "replicas:\n"
        "- name: api\n"
        "  count: 1\n"
        "configMapGenerator:\n"
        "- name: api-config\n"
        "  behavior: merge\n"
        "  literals:\n"
        '  - DOUBLE=""double""\n'
        "  - PLAIN=a=b\n"
        "  - QUOTED=\"'single'\"\n"
    )
    builds = kustomize.build_all([root / "overlays/dev/api", root / "overlays/dev/_namespace"])
    assert [b.error for b in builds] == ["", ""]
    objects = {
        (d["kind"], d["metadata"]["name"]): d
        for b in builds
        for d in yaml.safe_load_all(b.output)
        if d
    }
    config_maps = [d for (kind, _), d in objects.items() if kind == "ConfigMap"]
    assert [c["data"] for c in config_maps] == [
        {"DOUBLE": '"double"', "PLAIN": "a=b", "QUOTED": "'single'"}
    ]
    deployment = objects[("Deployment", "api")]
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["livenessProbe"] == {"exec": {"command": ["1e3", "1_000", "0x1F"]}}
    assert objects[("Namespace", "n")]["metadata"]["name"] == "n"
    binding = objects[("RoleBinding", "team-web")]
    assert [s["name"] for s in binding["subjects"]] == ["0o17", "y", "0b+0", "0o-7"]

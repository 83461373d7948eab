"""The catalog's git history is read within the repository's input limits, as the working
catalog is: a catalog above the default GITOPSGEN_MAX_KEYS (a 1,000-app catalog is) that
runs with the limit raised keeps its promotion history and a `--changed` of its own size
(before, both read the committed catalog with the default limit, failed silently, and
reported every version as never promoted and widened --changed to every folder)."""

from dataclasses import replace

from generator.api import Repository, generate
from generator.limits import CATALOG, InputLimits
from generator.validate.repository import validate
from tests.gitrepo import commit_all, init

# Suppressions of three keys and items each: just above the default limit of keys, whatever
# it is, so only a reader that takes the repository's (raised) limits reads the catalog.
PADDING = CATALOG.keys // 3 + 100
RAISED = InputLimits(
    catalog=replace(CATALOG, keys=2 * CATALOG.keys, file_bytes=4 * CATALOG.file_bytes)
)
HEAD = """apiVersion: gitopsgen/v1
kind: Catalog
repository: {url: https://git.example.com/gitops.git}
clusters:
  main: {server: https://main.example.com, kubernetesVersion: "1.31"}
teams:
  shop: {groups: [shop-devs]}
environments:
  dev: {cluster: main, namespace: dev, host: "{app}.dev.example.com"}
  staging: {cluster: main, namespace: staging, host: "{app}.staging.example.com"}
defaults:
  resources:
    requests: {cpu: 10m, memory: 16Mi}
    limits: {cpu: 50m, memory: 32Mi}
apps:
  web:
    team: shop
    image: registry.example.com/web
    port: 8080
    probes: {readiness: {path: /ready}, liveness: {path: /live}}
    suppress:
"""


def catalog(dev, staging):
    padding = "".join(
        f"      - {{rule: workload-min-replicas, reason: p{i}}}\n" for i in range(PADDING)
    )
    web = (
        f"    environments:\n      dev: {{version: {dev}}}\n      staging: {{version: {staging}}}\n"
    )
    api = (
        "  api:\n    team: shop\n    image: registry.example.com/api\n"
        "    probes: {liveness: {command: [/bin/ok]}}\n"
        "    environments: {dev: {version: 2.0.0}, staging: {version: 2.0.0}}\n"
    )
    return HEAD + padding + web + api


def test_a_catalog_above_the_default_limit_keeps_its_history_and_changed_scope(tmp_path):
    root = init(tmp_path / "repo")
    repo = Repository.at(root, limits=RAISED)
    (root / "catalog.yaml").write_text(catalog(dev="1.0.0", staging="1.0.0"))
    commit_all(root, "web 1.0.0 everywhere")
    (root / "catalog.yaml").write_text(catalog(dev="1.1.0", staging="1.0.0"))
    generate(repo)
    commit_all(root, "web 1.1.0 in dev")
    # staging gets what ran in dev at HEAD; dev moves on: only the history says 1.1.0 ran in dev.
    (root / "catalog.yaml").write_text(catalog(dev="1.2.0", staging="1.1.0"))
    generate(repo)

    changed = validate(repo, changed_since="HEAD")

    assert (changed.result.findings, changed.built) == (
        (),
        (
            "overlays/dev/_namespace",
            "overlays/dev/web",
            "overlays/staging/_namespace",
            "overlays/staging/web",
        ),
    )

"""`validate` renders chart apps and add-ons with real Helm (the demo chart under
tests/data/charts): for each environment, with the values Argo CD would give it, and checks
the output with the environment's rules; findings point at the catalog entry."""

import hashlib
import http.server
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator import helm
from generator.api import Repository, generate
from generator.builds.batch import Builder
from generator.builds.cache import Cache
from generator.catalog.load import load_catalog
from generator.catalog.model import Chart
from generator.charts.locate import Charts, HelmDirs, Network
from generator.charts.targets import chart_targets
from generator.cli.main import main
from generator.validate.charts import render_targets
from generator.validate.repository import validate
from generator.validate.shard import Shard, shard_of
from tests.gitrepo import commit_all, init
from tests.helpers import case_repo

DEMO = Path(__file__).resolve().parent / "data" / "charts" / "demo"
DIGEST = "sha256:" + "3c1ab2a1f0e4c1b0f3de1c7a7b0e7d5d1f38a6d2c9a0b7e4f6c2d8e1a9b3c5d7"

CATALOG = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://git.example.com/platform/gitops.git
clusters:
  nonprod:
    server: https://nonprod.k8s.example.com
    kubernetesVersion: "1.30"
  prod:
    server: https://prod.k8s.example.com
    kubernetesVersion: "1.31"
teams:
  shop:
    groups: [shop-devs]
environments:
  dev:
    cluster: nonprod
    namespace: shop-dev
    podSecurity: baseline
    imagePolicy: tag
    access: {shop: edit}
  staging:
    cluster: nonprod
    namespace: shop-staging
    podSecurity: restricted
    imagePolicy: semver
    access: {shop: edit}
  prod:
    cluster: prod
    namespace: shop-prod
    podSecurity: restricted
    imagePolicy: digest
    minReplicas: 2
    access: {shop: view}
apps:
  shop:
    team: shop
    chart: {repoURL: https://charts.example.com, name: demo}
    values:
      image: {tag: "1.0.0"}
    environments:
      dev:
        version: 0.1.0
      staging:
        version: 0.1.0
        values: {image: {tag: "1.0.1"}}
      prod:
        version: 0.1.0
        valueFiles: [apps/shop/values-prod.yaml]
        values:
          replicaCount: 2
          podDisruptionBudget: {enabled: true}
"""
PROD_VALUES = f"image:\n  digest: {DIGEST}\n"
PRIVILEGED_FILE = "securityContext: {privileged: true}\n"


def edit(text, *changes):
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def make(tmp_path, catalog=CATALOG, chart=True):
    root = tmp_path / "repo"
    root.mkdir()
    (root / "catalog.yaml").write_text(catalog, encoding="utf-8")
    (root / "apps" / "shop").mkdir(parents=True)
    (root / "apps" / "shop" / "values-prod.yaml").write_text(PROD_VALUES, encoding="utf-8")
    if chart:
        shutil.copytree(DEMO, root / "charts" / "demo")
    generate(Repository.at(root))
    return root


def dirs(tmp_path):
    return HelmDirs(tmp_path / "helm" / "repository", tmp_path / "helm" / "content")


def offline(root, tmp_path):
    return Charts(root, dirs(tmp_path), Network(allowed=False))


def check(root, tmp_path, charts=None, **kwargs):
    found = validate(Repository.at(root), charts=charts or offline(root, tmp_path), **kwargs)
    return [str(f) for f in found.result.findings]


def line_of(text, needle, start=0):
    lines = text.splitlines()
    for number, line in enumerate(lines[start:], start=start + 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def prod_values_at(catalog):
    return f"catalog.yaml:{line_of(catalog, 'values:', line_of(catalog, '      prod:'))}:9"


def test_the_chart_is_rendered_for_each_environment(tmp_path):
    root = make(tmp_path)
    catalog = load_catalog(root / "catalog.yaml", "catalog.yaml", root)
    targets = chart_targets(catalog)
    done = render_targets(root, targets, offline(root, tmp_path), None)
    assert done.findings == []
    seen = []
    for folder in done.folders:
        for m in folder.manifests:
            spec = m.obj.get("spec", {})
            container = spec.get("template", {}).get("spec", {}).get("containers", [{}])[0]
            seen.append(
                (
                    folder.environment,
                    m.kind,
                    m.name,
                    m.namespace,
                    spec.get("replicas"),
                    container.get("image"),
                )
            )
    assert seen == [
        ("dev", "Deployment", "shop", "shop-dev", 1, "ghcr.io/example/demo:1.0.0"),
        ("dev", "Service", "shop", "shop-dev", None, None),
        ("dev", "ServiceAccount", "shop", "shop-dev", None, None),
        ("staging", "Deployment", "shop", "shop-staging", 1, "ghcr.io/example/demo:1.0.1"),
        ("staging", "Service", "shop", "shop-staging", None, None),
        ("staging", "ServiceAccount", "shop", "shop-staging", None, None),
        ("prod", "Deployment", "shop", "shop-prod", 2, f"ghcr.io/example/demo:1.0.0@{DIGEST}"),
        ("prod", "PodDisruptionBudget", "shop", "shop-prod", None, None),
        ("prod", "Service", "shop", "shop-prod", None, None),
        ("prod", "ServiceAccount", "shop", "shop-prod", None, None),
    ]
    assert [(t.release, t.namespace, t.kube_version) for t in targets] == [
        ("shop", "shop-dev", "1.30"),
        ("shop", "shop-staging", "1.30"),
        ("shop", "shop-prod", "1.31"),
    ]


def test_clean_values_pass(tmp_path):
    root = make(tmp_path)
    assert check(root, tmp_path) == []


PRIVILEGED = (
    "          podDisruptionBudget: {enabled: true}\n",
    "          podDisruptionBudget: {enabled: true}\n"
    "          securityContext: {privileged: true}\n",
)


def test_a_privileged_container_in_prod_values_is_found_at_the_catalog_entry(tmp_path):
    catalog = edit(CATALOG, PRIVILEGED)
    root = make(tmp_path, catalog)
    assert check(root, tmp_path) == [
        f"{prod_values_at(catalog)}: error: container 'demo' sets securityContext.privileged: "
        "true; remove it or set it to false; rendered by Helm from "
        "demo/templates/deployment.yaml:47 of chart demo 0.1.0 with values chart defaults < "
        "apps/shop/values-prod.yaml < apps.shop.values < apps.shop.environments.prod.values "
        "(pod-security-privileged)"
    ]


def test_a_defect_from_a_value_file_names_the_file(tmp_path):
    root = make(tmp_path)
    (root / "apps" / "shop" / "values-prod.yaml").write_text("image: {digest: ''}\n")
    at = prod_values_at(CATALOG)
    assert check(root, tmp_path) == [
        f"{at}: error: container 'demo' image 'ghcr.io/example/demo:1.0.0' is not pinned by a "
        "sha256 digest (imagePolicy digest); append @sha256:<64 lowercase hex> of the image to "
        "deploy; rendered by Helm from demo/templates/deployment.yaml:32 of chart demo 0.1.0 "
        "with values chart defaults < apps/shop/values-prod.yaml < apps.shop.values < "
        "apps.shop.environments.prod.values (image-policy-digest)"
    ]


def test_an_unavailable_chart_is_one_warning(tmp_path):
    catalog = CATALOG.replace("version: 0.1.0", "version: 0.2.0")
    root = make(tmp_path, catalog)
    at = line_of(catalog, "version: 0.2.0")
    content = tmp_path / "helm" / "content"
    assert check(root, tmp_path) == [
        f"catalog.yaml:{at}:9: warning: chart demo 0.2.0 (https://charts.example.com) cannot "
        f"be obtained: not in charts/ (demo-0.2.0.tgz or demo/ with that version) nor in the "
        f"Helm cache ({content}); not pulled: offline (GITOPSGEN_OFFLINE); its objects are "
        "not checked (dev, staging, prod); add charts/demo-0.2.0.tgz (helm pull), or run where "
        "the chart repository can be reached (chart-unavailable)"
    ]


def package(tmp_path):
    out = tmp_path / "packaged"
    out.mkdir(exist_ok=True)
    return helm.package(DEMO, out)


def test_a_packaged_archive_in_charts_is_used(tmp_path):
    catalog = edit(CATALOG, PRIVILEGED)
    root = make(tmp_path, catalog, chart=False)
    (root / "charts").mkdir()
    shutil.copyfile(package(tmp_path), root / "charts" / "demo-0.1.0.tgz")
    assert [f.split(": ")[1] for f in check(root, tmp_path)] == ["error"]


@pytest.mark.parametrize("where", ["content", "repository"])
def test_charts_come_from_the_helm_cache(tmp_path, where):
    catalog = edit(CATALOG, PRIVILEGED)
    root = make(tmp_path, catalog, chart=False)
    data = package(tmp_path).read_bytes()
    if where == "content":
        digest = hashlib.sha256(data).hexdigest()
        target = tmp_path / "helm" / "content" / digest[:2] / f"{digest}.chart"
    else:
        target = tmp_path / "helm" / "repository" / "demo-0.1.0.tgz"
    target.parent.mkdir(parents=True)
    target.write_bytes(data)
    assert [f.rsplit(" ", 1)[1] for f in check(root, tmp_path)] == ["(pod-security-privileged)"]


def test_a_misnamed_archive_is_not_the_chart(tmp_path):
    root = make(tmp_path, chart=False)
    (root / "charts").mkdir()
    shutil.copyfile(package(tmp_path), root / "charts" / "demo-0.2.0.tgz")
    (root / "catalog.yaml").write_text(CATALOG.replace("0.1.0", "0.2.0"))
    generate(Repository.at(root))
    assert [f.rsplit(" ", 1)[1] for f in check(root, tmp_path)] == ["(chart-unavailable)"]


class _Repo(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def chart_server(tmp_path):
    """A real Helm repository over HTTP on localhost: index.yaml and the demo archive."""
    served = tmp_path / "served"
    served.mkdir()
    archive = package(tmp_path)
    shutil.copyfile(archive, served / archive.name)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), lambda *a: _Repo(*a, directory=str(served))
    )
    url = f"http://127.0.0.1:{server.server_port}"
    (served / "index.yaml").write_text(
        "apiVersion: v1\nentries:\n  demo:\n  - apiVersion: v2\n    name: demo\n"
        f"    version: 0.1.0\n    digest: {digest}\n    urls: [{url}/{archive.name}]\n"
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield url, digest
    server.shutdown()
    server.server_close()


def test_a_chart_is_pulled_when_the_network_allows_and_then_found_offline(tmp_path, chart_server):
    url, digest = chart_server
    root = make(tmp_path, edit(CATALOG, PRIVILEGED), chart=False)
    # A real pull through Helm (the catalog takes https:// only: the locator is asked directly).
    pulled = Charts(root, dirs(tmp_path), Network(allowed=True, timeout=30)).get(
        Chart(url, "demo"), "0.1.0"
    )
    assert (pulled.name, pulled.version, pulled.digest) == ("demo", "0.1.0", digest)
    stored = tmp_path / "helm" / "content" / digest[:2] / f"{digest}.chart"
    assert stored.read_bytes() == package(tmp_path).read_bytes()
    # Stored as Helm stores it: the next run finds it offline.
    assert [f.rsplit(" ", 1)[1] for f in check(root, tmp_path)] == ["(pod-security-privileged)"]


def test_a_missing_version_is_not_pulled(tmp_path, chart_server):
    url, _ = chart_server
    found = Charts(tmp_path, dirs(tmp_path), Network(allowed=True, timeout=30)).get(
        Chart(url, "demo"), "0.3.0"
    )
    assert found.reasons[1] == (
        f'pulling it failed: chart "demo" version "0.3.0" not found in {url} repository'
    )


def test_a_pull_that_never_answers_is_bounded(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # accepts connections, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        charts = Charts(tmp_path, dirs(tmp_path), Network(allowed=True, timeout=0.5))
        started = time.monotonic()
        found = charts.get(Chart(url, "demo"), "0.1.0")
        took = time.monotonic() - started
    finally:
        listener.close()
    assert found.reasons[1] == "pulling it failed: no answer within 0.5 seconds"
    assert took < 5


def test_values_helm_refuses_are_a_render_error(tmp_path):
    root = make(tmp_path)
    (root / "apps" / "shop" / "values-prod.yaml").write_text("- a list\n")
    files_at = line_of(CATALOG, "valueFiles:")
    assert check(root, tmp_path) == [
        f"catalog.yaml:{files_at}:9: error: chart demo 0.1.0 is not rendered for prod: value "
        "file apps/shop/values-prod.yaml holds a list, not a mapping of values (chart-render)"
    ]
    # A null removes the chart's default: the template's `required` fails.
    (root / "apps" / "shop" / "values-prod.yaml").write_text("image: {repository: null}\n")
    assert check(root, tmp_path) == [
        f"{prod_values_at(CATALOG)}: error: Helm cannot render chart demo 0.1.0 for prod: "
        "execution error at (demo/templates/deployment.yaml:32:20): image.repository is "
        "required; values: chart defaults < apps/shop/values-prod.yaml < apps.shop.values < "
        "apps.shop.environments.prod.values (chart-render)"
    ]


def test_a_chart_finding_is_suppressed_like_any(tmp_path):
    catalog = edit(
        CATALOG,
        PRIVILEGED,
        (
            "    values:\n      image:",
            "    suppress:\n      - {rule: pod-security-privileged, "
            "reason: the vendor's agent, environments: [prod]}\n    values:\n      image:",
        ),
    )
    root = make(tmp_path, catalog)
    assert check(root, tmp_path) == []


ADDON = """\
    addons:
      agent:
        chart: {repoURL: https://charts.example.com, name: demo}
        version: 0.1.0
        namespace: agent-system
        values:
          securityContext: {privileged: true}
          image: {tag: latest}
"""


def test_addons_are_rendered_and_checked_with_the_addon_rules(tmp_path):
    catalog = edit(
        CATALOG, ('    kubernetesVersion: "1.31"\n', '    kubernetesVersion: "1.31"\n' + ADDON)
    )
    root = make(tmp_path, catalog)
    at = line_of(catalog, "values:", line_of(catalog, "agent:"))
    # Privileged is what a node agent may be; a mutable tag is a defect anywhere.
    assert check(root, tmp_path) == [
        f"catalog.yaml:{at}:9: error: container 'demo' image 'ghcr.io/example/demo:latest' is "
        "mutable; pin a version or a digest; rendered by Helm from "
        "demo/templates/deployment.yaml:32 of chart demo 0.1.0 with values chart defaults < "
        "clusters.prod.addons.agent.values (image-tag-latest)"
    ]


def test_renders_are_cached_by_what_they_are_made_of(tmp_path, monkeypatch):
    catalog = edit(CATALOG, PRIVILEGED)
    root = make(tmp_path, catalog)
    builder = Builder(cache=Cache(tmp_path / "cache"))
    first = check(root, tmp_path, builder=builder)
    assert len(first) == 1

    def no_helm(*args):
        raise AssertionError("rendered again")

    monkeypatch.setattr(helm, "render", no_helm)
    assert check(root, tmp_path, builder=Builder(cache=Cache(tmp_path / "cache"))) == first
    monkeypatch.undo()
    (root / "apps" / "shop" / "values-prod.yaml").write_text("image: {digest: ''}\n")
    again = check(root, tmp_path, builder=Builder(cache=Cache(tmp_path / "cache")))
    assert [f.rsplit(" ", 1)[1] for f in again] == [
        "(image-policy-digest)",
        "(pod-security-privileged)",
    ]


def test_a_chart_app_goes_to_its_apps_shard(tmp_path):
    catalog = edit(CATALOG, PRIVILEGED)
    root = make(tmp_path, catalog)
    mine = shard_of("shop", 3)
    for index in (1, 2, 3):
        found = check(root, tmp_path, shard=Shard(index, 3))
        assert [f.rsplit(" ", 1)[1] for f in found] == (
            ["(pod-security-privileged)"] if index == mine else []
        ), index


def test_changed_value_files_and_charts_bring_their_chart_apps(tmp_path):
    root = make(tmp_path)
    init(root)
    commit_all(root, "all")
    assert check(root, tmp_path, changed_since="HEAD") == []
    (root / "apps" / "shop" / "values-prod.yaml").write_text(PROD_VALUES + PRIVILEGED_FILE)
    assert [f.rsplit(" ", 1)[1] for f in check(root, tmp_path, changed_since="HEAD")] == [
        "(pod-security-privileged)"
    ]
    commit_all(root, "privileged")
    templates = root / "charts" / "demo" / "templates"
    (templates / "deployment.yaml").write_text(
        (templates / "deployment.yaml").read_text().replace("replicas:", "replicas: 1 #")
    )
    # The chart changed: every environment renders it again (prod now has 1 replica).
    assert [f.rsplit(" ", 1)[1] for f in check(root, tmp_path, changed_since="HEAD")] == [
        "(pod-security-privileged)",
        "(workload-min-replicas)",
    ]


def cli(args, env):
    return CliRunner().invoke(
        main, args, env={"GITHUB_ACTIONS": None, **env}, prog_name="gitopsgen"
    )


def test_the_command_line_decides_the_network(tmp_path):
    catalog = CATALOG.replace("version: 0.1.0", "version: 0.2.0")
    root = make(tmp_path, catalog)
    home = tmp_path / "home"
    helm_home = {"HELM_CACHE_HOME": str(home), "GITOPSGEN_OFFLINE": None}
    args = ["validate", "--root", str(root), "--no-cache"]
    result = cli([*args, "--offline"], helm_home)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == (
        f"catalog.yaml:{line_of(catalog, 'version: 0.2.0')}:9: warning: chart demo 0.2.0 "
        "(https://charts.example.com) cannot be obtained: not in charts/ (demo-0.2.0.tgz or "
        f"demo/ with that version) nor in the Helm cache ({home / 'content'}); not pulled: "
        "offline (GITOPSGEN_OFFLINE); its objects are not checked (dev, staging, prod); add "
        "charts/demo-0.2.0.tgz (helm pull), or run where the chart repository can be reached "
        "(chart-unavailable)\n"
        "0 errors, 1 warning in 24 files\n"
    )
    result = cli(args, {**helm_home, "GITOPSGEN_PULL_TIMEOUT": "soon"})
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: GITOPSGEN_PULL_TIMEOUT must be a positive number of seconds, not 'soon'\n"
    )


@pytest.mark.parametrize("case", ["charts", "addons"])
def test_renders_are_what_the_generated_applications_ask_argo_cd_for(tmp_path, case):
    """Release, namespace, chart, version, values and value files of every render are those
    of the Application generate wrote for it."""
    root = case_repo(tmp_path, case)
    generate(Repository.at(root))
    catalog = load_catalog(root / "catalog.yaml", "catalog.yaml", root)
    targets = chart_targets(catalog)
    assert targets
    for target in targets:
        if target.addon:
            path = f"argocd/addons/{target.cluster}/{target.name}.yaml"
        else:
            path = f"argocd/apps/{target.environment}/{target.name}.yaml"
        spec = yaml.safe_load((root / path).read_text())["spec"]
        chart = spec["sources"][0]
        wanted = {
            "chart": target.chart.name,
            "version": target.version,
            "release": target.release,
            "namespace": target.namespace,
            "values": dict(target.values),
            "files": [f"$values/{f}" for f in target.value_files],
        }
        assert {
            "chart": chart.get("chart") or chart["repoURL"].rsplit("/", 1)[1],
            "version": chart["targetRevision"],
            "release": chart["helm"]["releaseName"],
            "namespace": spec["destination"]["namespace"],
            "values": chart["helm"].get("valuesObject", {}),
            "files": chart["helm"].get("valueFiles", []),
        } == wanted, path


def test_a_cluster_scoped_kind_the_chart_renders_is_denied_by_the_apps_project(tmp_path):
    # What Argo CD would refuse to sync is found on the chart's output, at the Application's
    # chart source (the app's project allows no cluster-scoped kind).
    catalog = edit(
        CATALOG,
        (
            "      dev:\n        version: 0.1.0\n",
            "      dev:\n        version: 0.1.0\n        values: {clusterRole: {enabled: true}}\n",
        ),
    )
    root = make(tmp_path, catalog)
    application = (root / "argocd" / "apps" / "dev" / "shop.yaml").read_text()
    assert check(root, tmp_path) == [
        f"argocd/apps/dev/shop.yaml:{line_of(application, 'chart: demo')}:5: error: Application "
        "'dev-shop' deploys a ClusterRole, which is cluster-scoped and not in the project's "
        "clusterResourceWhitelist of 'dev'; Argo CD will refuse to sync it "
        "(argocd-kind-denied)"
    ]

"""The catalog checks of chart apps and cluster add-ons: each bad edit of a good catalog
gives exactly these findings, at the catalog line that decides them, with what to do."""

import pytest

from generator.catalog.load import checked_catalog
from generator.yamlio import load_located

CATALOG = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://git.example.com/platform/gitops.git
clusters:
  main:
    server: https://main.k8s.example.com
    kubernetesVersion: "1.31"
    addons:
      cert-manager:
        chart: {repoURL: https://charts.jetstack.io, name: cert-manager}
        version: v1.17.1
        namespace: cert-manager
        values:
          crds: {enabled: true}
      external-secrets:
        chart: {repoURL: oci://ghcr.io/external-secrets/charts, name: external-secrets}
        version: 0.16.1
        namespace: external-secrets
        valueFiles: [platform/external-secrets.yaml]
teams:
  shop:
    groups: [shop-devs]
environments:
  dev:
    cluster: main
    namespace: shop-dev
    imagePolicy: semver
    access: {shop: edit}
  prod:
    cluster: main
    namespace: shop-prod
    imagePolicy: digest
    access: {shop: view}
apps:
  grafana:
    team: shop
    chart: {repoURL: https://grafana.github.io/helm-charts, name: grafana}
    values:
      persistence: {enabled: false}
    environments:
      dev:
        version: 8.10.1
      prod:
        version: 8.9.0
        valueFiles: [apps/grafana/values-prod.yaml]
"""
FILES = ("platform/external-secrets.yaml", "apps/grafana/values-prod.yaml")


def edit(*changes):
    text = CATALOG
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture()
def root(tmp_path):
    for path in FILES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text("replicas: 2\n")
    return tmp_path


def findings(text, root):
    checked = checked_catalog(load_located(text, "catalog.yaml"), root)
    return [str(f) for f in checked.all]


def test_the_good_catalog_has_no_finding(root):
    assert findings(CATALOG, root) == []


CHART = "    chart: {repoURL: https://grafana.github.io/helm-charts, name: grafana}\n"
DEV = "      dev:\n        version: 8.10.1\n"
ADDON_NS = "        namespace: cert-manager\n"

CASES = {
    "image-and-chart": (
        edit((CHART, "    image: docker.io/grafana/grafana\n" + CHART)),
        [
            "catalog.yaml:39:5: error: app 'grafana' names both `image` and `chart`; an app runs "
            "a container image or a Helm chart: remove one of them (catalog-chart)"
        ],
    ),
    "neither-image-nor-chart": (
        edit((CHART, "")),
        [
            "catalog.yaml:36:3: error: app 'grafana' names neither `image` nor `chart`; set "
            "`image: <repository>` for a container image, or `chart: {repoURL, name}` for a "
            "Helm chart (catalog-chart)"
        ],
    ),
    "image-fields-on-a-chart-app": (
        edit(
            (CHART, CHART + "    port: 3000\n"),
            (DEV, DEV + "        replicas: 2\n"),
        ),
        [
            "catalog.yaml:39:5: error: app 'grafana' runs the Helm chart 'grafana', so `port` "
            "does not apply (the chart decides its workloads); set what the chart offers for it "
            "under `values`, or remove it (catalog-chart)",
            "catalog.yaml:45:9: error: app 'grafana' runs the Helm chart 'grafana', so "
            "`replicas` does not apply (the chart decides its workloads); set what the chart "
            "offers for it under `values`, or remove it (catalog-chart)",
        ],
    ),
    "chart-version-not-semver": (
        edit((DEV, '      dev:\n        version: "8.10"\n')),
        [
            "catalog.yaml:43:18: error: version '8.10' of chart app 'grafana' in 'dev' is not a "
            "chart version; Helm charts are versioned by SemVer: write MAJOR.MINOR.PATCH, e.g. "
            "1.4.2 or v1.17.1 (an environment's imagePolicy does not apply to charts) "
            "(catalog-chart-version)"
        ],
    ),
    "addon-version-not-semver": (
        edit(("        version: v1.17.1\n", "        version: latest\n")),
        [
            "catalog.yaml:12:18: error: version 'latest' of add-on 'cert-manager' of cluster "
            "'main' is not a chart version; Helm charts are versioned by SemVer: write "
            "MAJOR.MINOR.PATCH, e.g. 1.4.2 or v1.17.1 (an environment's imagePolicy does not "
            "apply to charts) (catalog-chart-version)"
        ],
    ),
    "addon-in-an-environment-namespace": (
        edit((ADDON_NS, "        namespace: shop-prod\n")),
        [
            "catalog.yaml:13:20: error: add-on 'cert-manager' of cluster 'main' runs in "
            "namespace 'shop-prod', the namespace of environment 'prod' on that cluster, with "
            "its guardrails and apps; give the add-on a namespace of its own, e.g. "
            "'cert-manager' (catalog-addon-namespace)"
        ],
    ),
    "addon-in-the-argocd-namespace": (
        edit((ADDON_NS, "        namespace: argocd\n")),
        [
            "catalog.yaml:13:20: error: add-on 'cert-manager' of cluster 'main' runs in "
            "namespace 'argocd', the Argo CD namespace (`argocd.namespace`), with the "
            "Applications; give the add-on a namespace of its own, e.g. 'cert-manager' "
            "(catalog-addon-namespace)"
        ],
    ),
    "value-file-missing": (
        edit(("[apps/grafana/values-prod.yaml]", "[apps/grafana/values-prd.yaml]")),
        [
            "catalog.yaml:46:22: error: value file 'apps/grafana/values-prd.yaml' does not "
            "exist; create it (a YAML file of Helm values) or fix the path (catalog-value-file)"
        ],
    ),
    "value-file-outside": (
        edit(("[platform/external-secrets.yaml]", "[../secrets/values.yaml]")),
        [
            "catalog.yaml:20:22: error: value file '../secrets/values.yaml' has a '..'; name "
            "the file inside the repository directly (catalog-value-file)"
        ],
    ),
    "value-file-generated": (
        edit(("[apps/grafana/values-prod.yaml]", "[argocd/apps/prod/grafana.yaml]")),
        [
            "catalog.yaml:46:22: error: value file 'argocd/apps/prod/grafana.yaml' is inside "
            "the generated folder argocd/, which generate rewrites; keep value files in a "
            "folder of your own, e.g. apps/<app>/ (catalog-value-file)"
        ],
    ),
    "chart-repository-http": (
        edit(("https://grafana.github.io/helm-charts", "http://grafana.github.io/helm-charts")),
        [
            "catalog.yaml:38:22: error: chart repoURL 'http://grafana.github.io/helm-charts' of "
            "app 'grafana' is not an https:// (Helm repository) or oci:// (OCI registry) URL; "
            "write the Helm repository, e.g. https://charts.jetstack.io, or the OCI registry "
            "and path, e.g. oci://ghcr.io/example/charts (catalog-url)"
        ],
    ),
    "chart-repository-pattern": (
        edit(("oci://ghcr.io/external-secrets/charts", "oci://ghcr.io/*")),
        [
            "catalog.yaml:17:26: error: chart repoURL 'oci://ghcr.io/*' of add-on "
            "'external-secrets' of cluster 'main' holds a glob character, which Argo CD reads "
            "as a pattern matching others; write the Helm repository, e.g. "
            "https://charts.jetstack.io, or the OCI registry and path, e.g. "
            "oci://ghcr.io/example/charts (catalog-url)"
        ],
    ),
    "values-on-an-image-app": (
        edit(
            (CHART, "    image: ghcr.io/example/grafana\n"),
            ("        version: 8.9.0\n", "        version: 8.9.0@sha256:" + "0" * 64 + "\n"),
        ),
        [
            "catalog.yaml:39:5: error: app 'grafana' runs an image, so `values` (Helm values of "
            "a chart app) does not apply; use `config`, `env` or `components`, or make the app "
            "a chart app with `chart: {repoURL, name}` (catalog-chart)",
            "catalog.yaml:46:9: error: app 'grafana' runs an image, so `valueFiles` (Helm values "
            "of a chart app) does not apply; use `config`, `env` or `components`, or make the "
            "app a chart app with `chart: {repoURL, name}` (catalog-chart)",
        ],
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_chart_input(case, root):
    text, want = CASES[case]
    assert findings(text, root) == want


def test_a_value_file_that_leads_out_of_the_repository(root, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "values.yaml"
    outside.write_text("replicas: 2\n")
    (root / "apps/grafana/values-prod.yaml").unlink()
    (root / "apps/grafana/values-prod.yaml").symlink_to(outside)
    assert findings(CATALOG, root) == [
        "catalog.yaml:46:22: error: value file 'apps/grafana/values-prod.yaml' leads outside "
        "the repository (a symbolic link); name a file inside it (catalog-value-file)"
    ]


def test_a_value_file_that_is_a_folder(root):
    (root / "apps/grafana/values-prod.yaml").unlink()
    (root / "apps/grafana/values-prod.yaml").mkdir()
    assert findings(CATALOG, root) == [
        "catalog.yaml:46:22: error: value file 'apps/grafana/values-prod.yaml' is a folder; "
        "name a YAML file of Helm values (catalog-value-file)"
    ]


def test_addon_names_are_dns_labels_and_unique_in_argocd(root):
    text = edit(
        ("      cert-manager:\n", "      Cert_Manager:\n"),
        ("  prod:\n    cluster: main\n", "  addons-main:\n    cluster: main\n"),
        ("      prod:\n        version: 8.9.0", "      addons-main:\n        version: 8.9.0"),
    )
    assert findings(text, root) == [
        "catalog.yaml:9:5: error: the add-ons project of cluster 'main' and the project of "
        "environment 'addons-main' would both be named 'addons-main' in Argo CD; rename the "
        "add-on or the environment (catalog-name-collision)",
        "catalog.yaml:10:7: error: add-on name 'Cert_Manager' of cluster 'main' is not a "
        "DNS-1123 label; use lower-case letters, digits and '-' (e.g. 'cert-manager'), at most "
        "63 characters (catalog-invalid-name)",
    ]

"""Bad chart apps and add-ons as a user meets them: a git repository with its catalog, value
files and generated tree committed, one bad edit of catalog.yaml, then `gitopsgen generate`
and `gitopsgen validate`. Each exits 1 and prints exactly the finding below, at the catalog
line that decides it, with what to do; no file but the edited catalog differs afterwards."""

import pytest

from tests.gitrepo import commit_all, init
from tests.helpers import assert_refused, chart_unavailable, invoke, snapshot
from tests.test_catalog_charts import ADDON_NS, CATALOG, CHART, DEV, FILES, edit

SUMMARY = "1 error, 0 warnings in 1 file"
CASES = {
    "image-and-chart": (
        edit((CHART, "    image: docker.io/grafana/grafana\n" + CHART)),
        "catalog.yaml:39:5: error: app 'grafana' names both `image` and `chart`; an app runs a "
        "container image or a Helm chart: remove one of them (catalog-chart)",
    ),
    "neither-image-nor-chart": (
        edit((CHART, "")),
        "catalog.yaml:36:3: error: app 'grafana' names neither `image` nor `chart`; set "
        "`image: <repository>` for a container image, or `chart: {repoURL, name}` for a Helm "
        "chart (catalog-chart)",
    ),
    "probes-on-a-chart-app": (
        edit((CHART, CHART + "    probes:\n      readiness: {path: /api/health}\n")),
        "catalog.yaml:39:5: error: app 'grafana' runs the Helm chart 'grafana', so `probes` "
        "does not apply (the chart decides its workloads); set what the chart offers for it "
        "under `values`, or remove it (catalog-chart)",
    ),
    "chart-version-not-semver": (
        edit((DEV, "      dev:\n        version: 8.10.1@sha256:" + "a" * 64 + "\n")),
        "catalog.yaml:43:18: error: version '8.10.1@sha256:" + "a" * 64 + "' of chart app "
        "'grafana' in 'dev' is not a chart version; Helm charts are versioned by SemVer: write "
        "MAJOR.MINOR.PATCH, e.g. 1.4.2 or v1.17.1 (an environment's imagePolicy does not apply "
        "to charts) (catalog-chart-version)",
    ),
    "addon-namespace-of-an-environment": (
        edit((ADDON_NS, "        namespace: shop-dev\n")),
        "catalog.yaml:13:20: error: add-on 'cert-manager' of cluster 'main' runs in namespace "
        "'shop-dev', the namespace of environment 'dev' on that cluster, with its guardrails "
        "and apps; give the add-on a namespace of its own, e.g. 'cert-manager' "
        "(catalog-addon-namespace)",
    ),
    "value-file-missing": (
        edit(("[platform/external-secrets.yaml]", "[platform/external-secret.yaml]")),
        "catalog.yaml:20:22: error: value file 'platform/external-secret.yaml' does not exist; "
        "create it (a YAML file of Helm values) or fix the path (catalog-value-file)",
    ),
    "chart-repository-with-credentials": (
        edit(("https://charts.jetstack.io", "https://bot:s3cret@charts.jetstack.io")),
        "catalog.yaml:11:26: error: chart repoURL 'https://bot:***@charts.jetstack.io' of "
        "add-on 'cert-manager' of cluster 'main' holds credentials; put them in Argo CD's "
        "repository secret, not in git; write the Helm repository, e.g. "
        "https://charts.jetstack.io, or the OCI registry and path, e.g. "
        "oci://ghcr.io/example/charts (catalog-url)",
    ),
}


@pytest.fixture()
def repo(tmp_path):
    """A git repository with the good catalog, its value files and its tree committed."""
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(CATALOG)
    for path in FILES:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text("replicas: 2\n")
    generated = invoke("generate", "--root", str(root))
    assert generated.exit_code == 0, generated.output
    assert generated.stdout == "wrote 18 files, removed 0, 0 unchanged (from catalog.yaml)\n"
    commit_all(root, "catalog and tree")
    clean = invoke("validate", "--root", str(root))
    assert clean.exit_code == 0, clean.output
    # The charts are public ones the tests do not vendor: offline, one warning each.
    jetstack, grafana = "https://charts.jetstack.io", "https://grafana.github.io/helm-charts"
    unavailable = [
        chart_unavailable(12, "cert-manager", "v1.17.1", jetstack, "cluster main"),
        chart_unavailable(
            18,
            "external-secrets",
            "0.16.1",
            "oci://ghcr.io/external-secrets/charts",
            "cluster main",
        ),
        chart_unavailable(43, "grafana", "8.10.1", grafana, "dev"),
        chart_unavailable(45, "grafana", "8.9.0", grafana, "prod"),
    ]
    assert clean.stdout == "".join(
        f"{path}:{line}:9: {severity}: {message} ({rule})\n"
        for rule, severity, path, line, message in unavailable
    ) + ("0 errors, 4 warnings in 19 files\n")
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_bad_chart_input(case, repo):
    text, message = CASES[case]
    assert_refused(repo, text, 1, message, SUMMARY)


def test_a_value_file_removed_after_generate(repo):
    """The catalog did not change, the value file it names went away: both refuse."""
    before = snapshot(repo)
    (repo / "apps/grafana/values-prod.yaml").unlink()
    message = (
        "catalog.yaml:46:22: error: value file 'apps/grafana/values-prod.yaml' does not exist; "
        "create it (a YAML file of Helm values) or fix the path (catalog-value-file)"
    )
    generated = invoke("generate", "--root", str(repo))
    assert (generated.exit_code, generated.stdout, generated.stderr) == (1, "", message + "\n")
    validated = invoke("validate", "--root", str(repo))
    assert validated.exit_code == 1
    assert validated.stdout == f"{message}\n{SUMMARY}\n"
    del before["apps/grafana/values-prod.yaml"]
    assert snapshot(repo) == before

"""`gitopsgen lint` on Helm charts: a chart folder or a packaged archive is rendered with real
Helm and its --values, and its objects are checked, each finding at its template's line."""

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import helm
from generator.cli.main import main

DEMO = Path(__file__).resolve().parent / "data" / "charts" / "demo"
# The namespace guard every pod needs: linted beside the chart, nothing is uncovered.
DENY = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
"""
PRIVILEGED = "securityContext: {privileged: true, allowPrivilegeEscalation: false}\n"


@pytest.fixture
def work(tmp_path, monkeypatch):
    shutil.copytree(DEMO, tmp_path / "demo")
    (tmp_path / "deny.yaml").write_text(DENY)
    (tmp_path / "prod.yaml").write_text(PRIVILEGED)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def lint(*args):
    env = {"GITHUB_ACTIONS": None}
    return CliRunner().invoke(main, ["lint", *args], env=env, prog_name="gitopsgen")


def test_a_clean_chart_folder_passes(work):
    result = lint("demo", "deny.yaml", "--namespace", "shop")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0,
        "no problems in 2 files\n",
        "",
    )


def test_values_files_are_rendered_in_order_and_findings_point_at_the_template(work):
    (work / "later.yaml").write_text("securityContext: {runAsUser: 0}\n")
    result = lint("demo", "deny.yaml", "-n", "shop", "--values", "prod.yaml", "-f", "later.yaml")
    assert result.exit_code == 1
    # Helm merges the files key by key: later.yaml keeps prod.yaml's privileged.
    assert result.stdout == (
        "demo/templates/deployment.yaml:47:11: error: container 'demo' sets "
        "securityContext.privileged: true; remove it or set it to false "
        "(pod-security-privileged)\n"
        "demo/templates/deployment.yaml:47:11: error: container 'demo' sets "
        "securityContext.runAsUser: 0 (root); use a non-zero user id "
        "(pod-security-run-as-user)\n"
        "demo/templates/deployment.yaml:47:11: error: container 'demo' of Deployment demo runs "
        "as user 0 under runAsNonRoot: true, which the kubelet refuses to start; set a non-zero "
        "runAsUser, or runAsNonRoot: false where the Pod Security level allows root "
        "(workload-non-root-user)\n"
        "3 errors, 0 warnings in 2 files\n"
    )


def test_a_packaged_archive_is_linted_as_its_members(work):
    archive = helm.package(work / "demo", work)
    assert archive.name == "demo-0.1.0.tgz"
    result = lint("demo-0.1.0.tgz", "deny.yaml", "-n", "shop", "-f", "prod.yaml")
    assert result.exit_code == 1
    assert result.stdout == (
        "demo-0.1.0.tgz/demo/templates/deployment.yaml:47:11: error: container 'demo' sets "
        "securityContext.privileged: true; remove it or set it to false "
        "(pod-security-privileged)\n"
        "1 error, 0 warnings in 2 files\n"
    )


def test_a_folder_holding_a_chart_renders_it(work):
    os.mkdir(work / "tree")
    shutil.move(work / "demo", work / "tree" / "demo")
    shutil.move(work / "deny.yaml", work / "tree" / "deny.yaml")
    result = lint("tree", "-n", "shop", "-f", "prod.yaml", "--kube-version", "1.30")
    assert result.exit_code == 1
    assert result.stdout == (
        "tree/demo/templates/deployment.yaml:47:11: error: container 'demo' sets "
        "securityContext.privileged: true; remove it or set it to false "
        "(pod-security-privileged)\n"
        "1 error, 0 warnings in 2 files\n"
    )


def test_charts_that_cannot_be_read_or_rendered_are_input_errors(work):
    (work / "broken.tgz").write_bytes(b"not a gzip")
    (work / "null.yaml").write_text("image: {repository: null}\n")
    result = lint("broken.tgz", "demo", "-f", "null.yaml")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "broken.tgz:1:1: error: broken.tgz is not a chart archive Helm can read (a Chart.yaml "
        "with name and version inside a gzipped tar); check the path\n"
        "demo:1:1: error: Helm cannot render demo (demo 0.1.0): execution error at "
        "(demo/templates/deployment.yaml:32:20): image.repository is required\n"
    )


def test_values_without_a_chart_and_bad_values_files(work):
    result = lint("deny.yaml", "-f", "prod.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "error: --values is for Helm charts, and none of the paths is a chart\n"
    )
    (work / "list.yaml").write_text("- a\n")
    result = lint("demo", "-f", "list.yaml", "-f", "missing.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "list.yaml:1:1: error: value file list.yaml holds a list, not a mapping of values\n"
        "missing.yaml:1:1: error: missing.yaml does not exist; check the path\n"
    )

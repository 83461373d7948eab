"""`gitopsgen promote` moves a chart app's version like an image's: the chart version in the
catalog and the Application's targetRevision; a chart version needs no digest where the
environment's imagePolicy is digest (that policy is about images)."""

from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from tests.helpers import case_repo, snapshot
from tests.test_promote import changes


def repo(tmp_path):
    root = case_repo(tmp_path, "charts")
    generate(Repository.at(root))
    return root


def promote(root, *args):
    return CliRunner().invoke(main, ["promote", *args, "--root", str(root)])


def test_promote_a_chart_version_into_a_digest_environment(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "podinfo", "--to", "prod")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "promoted podinfo 6.7.0 -> 6.7.1 into prod (from staging)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert result.stderr == ""
    assert changes(before, snapshot(root)) == {
        "catalog.yaml": """\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -84,4 +84,4 @@
     environments:
       dev: {version: 6.7.1}
       staging: {version: 6.7.1, values: {replicaCount: 2}}
-      prod: {version: 6.7.0, values: {replicaCount: 3}}
+      prod: {version: 6.7.1, values: {replicaCount: 3}}
""",
        "argocd/apps/prod/podinfo.yaml": """\
--- a/argocd/apps/prod/podinfo.yaml
+++ b/argocd/apps/prod/podinfo.yaml
@@ -19,7 +19,7 @@
   sources:
   - repoURL: oci://ghcr.io/stefanprodan/charts/podinfo
     path: .
-    targetRevision: 6.7.0
+    targetRevision: 6.7.1
     helm:
       releaseName: podinfo
       valuesObject:
""",
    }
    assert not generate(Repository.at(root), write=False).plan.drift


def test_an_image_without_a_digest_is_still_refused_there(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "api", "--to", "prod")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:58:17: error: prod runs only versions pinned by digest (imagePolicy: "
        "digest) and api 2.1.0 in staging has no digest; pin it in staging first (e.g. "
        "2.1.0@sha256:<digest>)\n"
    )
    assert snapshot(root) == before


def test_a_chart_app_moves_back_only_when_forced(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "grafana", "--from", "prod", "--to", "dev")
    assert result.exit_code == 1
    assert result.stderr == (
        "catalog.yaml:25:3: error: prod is not directly before dev in promotion order (dev -> "
        "staging -> prod); promote through each environment in turn, or pass --force\n"
        "catalog.yaml:70:9: error: grafana 8.9.0 in prod is older than 8.10.1 in dev; pass "
        "--force to roll dev back\n"
    )
    assert snapshot(root) == before
    forced = promote(root, "grafana", "--from", "prod", "--to", "dev", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout == (
        "promoted grafana 8.10.1 -> 8.9.0 into dev (from prod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert sorted(changes(before, snapshot(root))) == [
        "argocd/apps/dev/grafana.yaml",
        "catalog.yaml",
    ]

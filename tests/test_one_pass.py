"""Independent problems show in one run: a schema error in one app, a reference error in
another and a policy error (a rendered-object rule) in a third are all reported, by generate
and validate alike, and nothing is written."""

from click.testing import CliRunner

from generator.cli.main import main
from tests.helpers import snapshot
from tests.test_bad_input import CATALOG, REPORT_DEV, WEB, after, edit

CACHE = """\
  cache:
    team: shop-ops
    image: ghcr.io/example/cache
    ports:
      redis: {port: 6379}
    probes:
      readiness: {tcp: true}
      liveness: {tcp: true}
    environments:
      dev: {version: 7.2.0}
      prod: {version: "7.2.0@sha256:%s"}
""" % ("c" * 64)

TEXT = (
    edit(
        after(WEB, "    securityContext: {runAsUser: 0}"),
        after(REPORT_DEV, "        replica: 2"),
    )
    + CACHE
)

FINDINGS = (
    "catalog.yaml:39:23: error: in 'prod': pod sets securityContext.runAsUser: 0 (root); use "
    "a non-zero user id (pod-security-run-as-user)\n"
    "catalog.yaml:39:23: error: in 'dev' and 'prod': container 'web' of Deployment web runs as "
    "user 0 under runAsNonRoot: true, which the kubelet refuses to start; set a non-zero "
    "runAsUser, or runAsNonRoot: false where the Pod Security level allows root "
    "(workload-non-root-user)\n"
    "catalog.yaml:53:9: error: unknown key 'replica' in `apps.report.environments.dev`; did you "
    "mean 'replicas'? (catalog-unknown-key)\n"
    "catalog.yaml:57:11: error: unknown team 'shop-ops'; define it under `teams` or use one of: "
    "shop (catalog-unknown-reference)\n"
)


def test_schema_reference_and_policy_errors_in_one_run(tmp_path):
    assert CATALOG.count("\n  report:\n") == 1
    (tmp_path / "catalog.yaml").write_text(TEXT)
    before = snapshot(tmp_path)
    runner = CliRunner()
    generated = runner.invoke(main, ["generate", "--root", str(tmp_path)])
    assert (generated.exit_code, generated.stdout, generated.stderr) == (1, "", FINDINGS)
    validated = runner.invoke(
        main, ["validate", "--root", str(tmp_path)], env={"GITHUB_ACTIONS": None}
    )
    summary = "4 errors, 0 warnings in 1 file\n"
    assert (validated.exit_code, validated.stdout) == (1, FINDINGS + summary)
    assert snapshot(tmp_path) == before

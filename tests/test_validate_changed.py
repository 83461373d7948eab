"""`validate --changed`: a change to one app of a 200-app catalog builds only what it touches
and reports the same findings for that app as a full run."""

import json

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from generator.validate.repository import validate
from tests.gitrepo import commit_all, init
from tests.helpers import CATALOGS

APPS = 200
HEAD = """apiVersion: gitopsgen/v1
kind: Catalog
repository: {url: https://git.example.com/big.git}
clusters:
  main: {server: https://main.example.com, kubernetesVersion: "1.31"}
teams:
  all: {groups: [everyone]}
environments:
  dev: {cluster: main, namespace: dev, host: "{app}.dev.example.com", access: {all: edit}}
  staging: {cluster: main, namespace: staging, host: "{app}.staging.example.com", imagePolicy: semver}
  prod: {cluster: main, namespace: prod, host: "{app}.example.com", imagePolicy: semver, minReplicas: 2, sync: manual}
defaults:
  resources:
    requests: {cpu: 10m, memory: 16Mi}
    limits: {cpu: 50m, memory: 32Mi}
  probes:
    readiness: {path: /ready}
    liveness: {path: /live}
apps:
"""


def app(i, staging="1.0.0", dev="1.1.0"):
    # Every tenth app runs as the default port-less worker: no Service, a finding-free app.
    port = "" if i % 10 == 0 else "    port: 8080\n    ingress: {path: /}\n"
    probes = (
        "    probes: {readiness: {command: [/bin/ok]}, liveness: {command: [/bin/ok]}}\n"
        if not port
        else ""
    )
    return (
        f"  app-{i:03d}:\n    team: all\n    image: registry.example.com/app-{i:03d}\n{port}{probes}"
        f"    environments:\n      dev: {{version: {dev}}}\n      staging: {{version: {staging}}}\n"
        f"      prod: {{version: 1.0.0, replicas: 2}}\n"
    )


def catalog(changed=None):
    """The 200 apps; with `changed`, app-042 runs that version in dev and staging (promoted in
    order, so the promotion rule has nothing to say)."""
    return HEAD + "".join(
        app(i, changed, changed) if i == 42 and changed else app(i) for i in range(APPS)
    )


@pytest.fixture(scope="module")
def big_repo(tmp_path_factory):
    root = init(tmp_path_factory.mktemp("big") / "repo")
    (root / "catalog.yaml").write_text(catalog())
    generate(Repository.at(root))
    commit_all(root, "200 apps")
    # The change: app-042 moves to 2.0.0 in dev and staging, and somebody deletes its liveness probe
    # from the generated base by hand.
    (root / "catalog.yaml").write_text(catalog(changed="2.0.0"))
    generate(Repository.at(root))
    deployment = root / "base" / "app-042" / "deployment.yaml"
    text = deployment.read_text()
    start = text.index("        livenessProbe:\n")
    end = text.index("        securityContext:\n", start)
    deployment.write_text(text[:start] + text[end:])
    return root


def of_app(findings, name):
    return [
        (f.rule, f.path, f.line, f.column, f.message)
        for f in findings
        if f"/{name}/" in f.path or f.path.endswith(f"/{name}.yaml") or f"'{name}'" in f.message
    ]


EXPECTED = [
    ("tree-drift", "base/app-042/deployment.yaml", 48),
    ("workload-liveness-probe", "base/app-042/deployment.yaml", 31),
]


def test_changed_builds_only_what_the_change_touches(big_repo):
    changed = validate(Repository.at(big_repo), changed_since="HEAD")
    assert changed.built == tuple(
        f"overlays/{env}/{folder}"
        for env in ("dev", "staging", "prod")
        for folder in ("_namespace", "app-042")
    )
    assert sorted((f.rule, f.path, f.line) for f in changed.result.findings) == EXPECTED


def test_changed_reports_what_the_full_run_reports_for_that_app(big_repo):
    full = validate(Repository.at(big_repo))
    changed = validate(Repository.at(big_repo), changed_since="HEAD")
    assert len(full.built) == 3 * (APPS + 1)
    assert of_app(changed.result.findings, "app-042") == of_app(full.result.findings, "app-042")
    assert sorted(f[:3] for f in of_app(full.result.findings, "app-042")) == EXPECTED


def test_changed_on_the_command_line(big_repo):
    result = CliRunner().invoke(
        main, ["validate", "--root", str(big_repo), "--changed", "--format", "json"]
    )
    assert result.exit_code == 1
    findings = [(f["rule"], f["path"], f["line"]) for f in json.loads(result.stdout)["findings"]]
    assert sorted(findings) == EXPECTED


def test_changed_outside_git_is_a_usage_error(tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "catalog.yaml").write_text(HEAD + app(1))
    generate(Repository.at(root))
    result = CliRunner().invoke(main, ["validate", "--root", str(root), "--changed"])
    assert result.exit_code == 2
    assert result.stderr == (
        f"catalog.yaml:1:1: error: {root} is not inside a git repository; --changed compares with "
        "a git revision (run without --changed to check everything)\n"
    )


HAND_WRITTEN = """\
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: {{name: web-extra, namespace: argocd}}
spec:
  project: {project}
  source: {{repoURL: https://github.com/example/gitops.git, targetRevision: main, path: {path}}}
  destination: {{server: https://nonprod.k8s.example.com, namespace: dev}}
"""


def test_changed_reads_the_argocd_files_its_scope_needs(tmp_path):
    # Only the scope's Applications, every project and every hand-written file are read: a
    # hand-written Application on a folder in scope is still checked against any project.
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text((CATALOGS / "example.yaml").read_text())
    generate(Repository.at(root))
    extra = root / "argocd" / "extra"
    extra.mkdir()
    (extra / "ok.yaml").write_text(HAND_WRITTEN.format(project="staging", path="overlays/dev/web"))
    (extra / "bad.yaml").write_text(HAND_WRITTEN.format(project="nowhere", path="overlays/dev/web"))
    commit_all(root, "the example and two hand-written Applications")
    text = (root / "catalog.yaml").read_text()
    (root / "catalog.yaml").write_text(text.replace("version: 1.5.0-rc.1", "version: 1.5.0-rc.2"))
    generate(Repository.at(root))
    changed = validate(Repository.at(root), changed_since="HEAD")
    found = sorted((f.rule, f.path, f.line) for f in changed.result.findings)
    assert found == [
        # staging's project, read though staging is not in scope, allows no dev namespace
        ("argocd-destination-denied", "argocd/extra/ok.yaml", 7),
        ("argocd-project-missing", "argocd/extra/bad.yaml", 5),
        ("tree-stray-argocd-object", "argocd/extra/bad.yaml", 2),
        ("tree-stray-argocd-object", "argocd/extra/ok.yaml", 2),
    ]
    # The full run says the same of them (and what the example says of ledger, out of scope).
    whole = validate(Repository.at(root))
    assert sorted((f.rule, f.path, f.line) for f in whole.result.findings) == sorted(
        [*found, ("workload-liveness-probe", "base/ledger/deployment.yaml", 31)]
    )

"""The promotion- rules on real temporary git histories of catalog.yaml: the exact findings."""

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.catalog.build import build_catalog
from generator.catalog.load import catalog_findings
from generator.cli.main import main
from generator.finding import Finding, Position, Severity
from generator.rules.promotion import promotion_findings, versions_match
from generator.yamlio import load_located
from tests.gitrepo import commit_all, git, init

HEADER = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://github.com/example/gitops.git
clusters:
  main:
    server: https://k8s.example.com
    kubernetesVersion: "1.31"
teams:
  shop:
    groups: [example:shop-devs]
environments:
  dev: {cluster: main, namespace: dev}
  staging: {cluster: main, namespace: staging}
  prod: {cluster: main, namespace: prod}
defaults:
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
apps:
"""
SHA_A = "sha256:" + "a" * 64
SHA_B = "sha256:" + "b" * 64


def entry(value):
    """A version string, or a whole flow mapping for the environment."""
    return value if value.startswith("{") else f"{{version: {value}}}"


def catalog(apps, extra=""):
    """apps: {name: (dev, staging, prod)}; app n (0-based) has its dev, staging and prod
    entries on lines 28 + 10n, 29 + 10n and 30 + 10n, their values at column 23."""
    text = HEADER
    for name, (dev, staging, prod) in apps.items():
        text += (
            f"  {name}:\n"
            "    team: shop\n"
            f"    image: ghcr.io/example/{name}\n"
            "    probes:\n"
            "      readiness: {command: [/ready]}\n"
            "      liveness: {command: [/live]}\n"
            f"{extra}"
            "    environments:\n"
            f"      dev: {entry(dev)}\n"
            f"      staging: {entry(staging)}\n"
            f"      prod: {entry(prod)}\n"
        )
    return text


def commit(root, text, message="catalog"):
    (root / "catalog.yaml").write_text(text, encoding="utf-8")
    return commit_all(root, message)


def check(root, text, base=None):
    """Write the working catalog (valid, uncommitted) and run the promotion rules on it."""
    path = root / "catalog.yaml"
    path.write_text(text, encoding="utf-8")
    doc = load_located(text, "catalog.yaml")
    assert catalog_findings(doc) == []
    return promotion_findings(path, build_catalog(doc), doc, base)


def never_ran(version, app, env, source, line, since, column=23):
    history = (
        f"catalog history since {since[:7]}" if since else "working catalog only: no git history"
    )
    return Finding(
        rule="promotion-order",
        severity=Severity.ERROR,
        message=(
            f"version '{version}' of app '{app}' in '{env}' never ran in '{source}' ({history}); "
            f"promote it through '{source}' first, or mark it `hotfix: {{reason: ...}}`"
        ),
        position=Position("catalog.yaml", line, column),
        environment=env,
    )


@pytest.fixture
def repo(tmp_path):
    """A history: 1.0.0 everywhere, then 1.1.0 in dev and staging, then 1.2.0 in dev."""
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "1.0.0")}), "start")
    commit(root, catalog({"web": ("1.1.0", "1.1.0", "1.0.0")}), "web 1.1.0 to staging")
    commit(root, catalog({"web": ("1.2.0", "1.1.0", "1.0.0")}), "web 1.2.0 to dev")
    return root, first


def test_prod_version_that_never_ran_in_staging_is_flagged_at_its_line(repo):
    root, first = repo
    assert check(root, catalog({"web": ("1.2.0", "1.1.0", "1.2.0")})) == [
        never_ran("1.2.0", "web", "prod", "staging", 30, first)
    ]


def test_version_that_ran_in_staging_at_an_earlier_commit_passes(repo):
    root, _ = repo
    commit(root, catalog({"web": ("1.2.0", "1.2.0", "1.0.0")}), "web 1.2.0 to staging")
    # staging has moved on to 1.2.0; 1.1.0 ran there two commits ago
    assert check(root, catalog({"web": ("1.2.0", "1.2.0", "1.1.0")})) == []


def test_the_previous_environment_in_the_working_catalog_counts(repo):
    root, _ = repo
    assert check(root, catalog({"web": ("1.2.0", "1.2.0", "1.1.0")})) == []


def test_hotfix_with_a_reason_passes_and_a_stale_one_is_a_warning(repo):
    root, _ = repo
    hotfix = "{version: VERSION, hotfix: {reason: CVE-2024-3094}}"
    assert (
        check(root, catalog({"web": ("1.2.0", "1.1.0", hotfix.replace("VERSION", "1.3.1"))})) == []
    )
    assert check(
        root, catalog({"web": ("1.2.0", "1.1.0", hotfix.replace("VERSION", "1.1.0"))})
    ) == [
        Finding(
            rule="promotion-hotfix",
            severity=Severity.WARNING,
            message=(
                "version '1.1.0' of app 'web' in 'prod' ran in 'staging', so it is no hotfix; "
                "remove its `hotfix` marker"
            ),
            position=Position("catalog.yaml", 30, 30),
            environment="prod",
        )
    ]


def test_the_first_environment_is_never_checked(repo):
    root, _ = repo
    assert check(root, catalog({"web": ("9.9.9", "1.1.0", "1.0.0")})) == []


def test_an_app_disabled_in_the_previous_environment_is_checked_against_the_one_before(repo):
    root, first = repo
    disabled = "{enabled: false}"
    assert check(root, catalog({"web": ("1.2.0", disabled, "1.2.0")})) == []
    assert check(root, catalog({"web": ("1.2.0", disabled, "1.3.0")})) == [
        never_ran("1.3.0", "web", "prod", "dev", 30, first)
    ]


def test_a_version_staging_ran_while_disabled_there_does_not_count(tmp_path):
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "1.0.0")}))
    commit(root, catalog({"web": ("1.1.0", "{enabled: false, version: 1.1.0}", "1.0.0")}))
    assert check(root, catalog({"web": ("1.1.0", "1.0.0", "1.1.0")})) == [
        never_ran("1.1.0", "web", "prod", "staging", 30, first)
    ]


def test_the_oldest_commit_is_where_history_begins(tmp_path):
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "0.9.0")}), "adopt gitopsgen")
    # 0.9.0 never ran in staging, but the history cannot show where it came from
    assert check(root, catalog({"web": ("1.0.0", "1.0.0", "0.9.0")})) == []
    commit(root, catalog({"web": ("1.0.0", "1.0.0", "0.9.1")}), "prod 0.9.1, unchecked")
    assert check(root, catalog({"web": ("1.0.0", "1.0.0", "0.9.1")})) == [
        never_ran("0.9.1", "web", "prod", "staging", 30, first)
    ]
    # rolling back to the version the history begins with passes
    assert check(root, catalog({"web": ("1.0.0", "1.0.0", "0.9.0")})) == []


def test_revisions_that_do_not_parse_or_have_another_shape_are_skipped(tmp_path):
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "1.0.0")}))
    commit(root, "apps: [\n", "broken YAML")
    commit(root, "- a list\n", "another shape")
    commit(root, "apps: {web: {environments: {staging: {version: 1.1.0}, prod: 7}}}\n", "odd")
    assert check(root, catalog({"web": ("1.1.0", "1.0.0", "1.1.0")})) == []
    assert check(root, catalog({"web": ("1.2.0", "1.0.0", "1.2.0")})) == [
        never_ran("1.2.0", "web", "prod", "staging", 30, first)
    ]


def test_outside_a_git_repository_only_the_working_catalog_counts(tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    assert check(root, catalog({"web": ("1.1.0", "1.1.0", "1.1.0")})) == []
    assert check(root, catalog({"web": ("1.1.0", "1.1.0", "1.0.0")})) == [
        never_ran("1.0.0", "web", "prod", "staging", 30, None)
    ]


def test_before_the_first_commit_only_the_working_catalog_counts(tmp_path):
    root = init(tmp_path / "repo")
    assert check(root, catalog({"web": ("1.1.0", "1.0.0", "1.1.0")})) == [
        never_ran("1.0.0", "web", "staging", "dev", 29, None, column=26),
        never_ran("1.1.0", "web", "prod", "staging", 30, None),
    ]


def test_with_a_base_revision_only_changed_versions_are_checked(tmp_path):
    root = init(tmp_path / "repo")
    both = {"api": ("1.0.0", "1.0.0", "1.0.0"), "web": ("1.0.0", "1.0.0", "1.0.0")}
    first = commit(root, catalog(both), "start")
    # web 1.0.1 went to prod without passing staging, and was committed anyway
    second = commit(root, catalog({**both, "web": ("1.0.0", "1.0.0", "1.0.1")}), "web hotfix")
    working = catalog({"api": ("2.0.0", "1.0.0", "2.0.0"), "web": ("1.0.0", "1.0.0", "1.0.1")})
    api = never_ran("2.0.0", "api", "prod", "staging", 30, first)
    web = never_ran("1.0.1", "web", "prod", "staging", 40, first)
    assert check(root, working, base="HEAD") == [api]
    assert check(root, working, base=second) == [api]
    assert check(root, working, base=first) == [api, web]
    assert check(root, working) == [api, web]


def test_with_a_base_revision_the_history_is_the_bases(tmp_path):
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "1.0.0")}), "start")
    git(root, "checkout", "-q", "-b", "feature")
    commit(root, catalog({"web": ("1.1.0", "1.1.0", "1.0.0")}), "staging 1.1.0, not merged")
    working = catalog({"web": ("1.1.0", "1.0.0", "1.1.0")})
    # staging ran 1.1.0 only on the unmerged branch: what main deployed never ran it
    assert check(root, working, base="main") == [
        never_ran("1.1.0", "web", "prod", "staging", 30, first)
    ]
    assert check(root, working) == []


@pytest.mark.parametrize(
    ("target", "source", "match"),
    [
        ("1.1.0", "1.1.0", True),
        ("1.1.0", "v1.1.0", False),
        (f"1.1.0@{SHA_A}", f"1.1.0@{SHA_A}", True),
        (f"1.1.0@{SHA_A}", f"@{SHA_A}", True),
        (f"@{SHA_A}", f"1.1.0@{SHA_A}", True),
        (f"1.1.0@{SHA_A}", "1.1.0", False),
        ("1.1.0", f"1.1.0@{SHA_A}", False),
        (f"1.1.0@{SHA_A}", f"1.1.0@{SHA_B}", False),
        (f"1.1.1@{SHA_A}", f"1.1.0@{SHA_A}", False),
    ],
)
def test_versions_match(target, source, match):
    assert versions_match(target, source) is match


def test_a_digest_target_needs_a_source_that_ran_with_that_digest(tmp_path):
    root = init(tmp_path / "repo")
    first = commit(root, catalog({"web": ("1.0.0", "1.0.0", "1.0.0")}))
    commit(root, catalog({"web": ("1.1.0", "1.1.0", "1.0.0")}), "staging 1.1.0 by tag")
    pinned = f'"1.1.0@{SHA_A}"'
    assert check(root, catalog({"web": ("1.1.0", "1.1.0", pinned)})) == [
        never_ran(f"1.1.0@{SHA_A}", "web", "prod", "staging", 30, first)
    ]
    commit(root, catalog({"web": ("1.1.0", f'"@{SHA_A}"', "1.0.0")}), "staging by digest")
    assert check(root, catalog({"web": ("1.1.0", "1.1.0", pinned)})) == []


def test_a_suppression_in_the_catalog_silences_the_rule(repo):
    root, _ = repo
    suppress = (
        "    suppress:\n      - {rule: promotion-order, reason: rebuilt, environments: [prod]}\n"
    )
    assert check(root, catalog({"web": ("1.2.0", "1.1.0", "1.2.0")}, suppress)) == []


def test_validate_in_a_git_work_tree_reports_promotion_order(repo):
    root, first = repo
    (root / "catalog.yaml").write_text(catalog({"web": ("1.2.0", "1.1.0", "1.2.0")}))
    generate(Repository.at(root))
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 1
    assert result.stdout == (
        f"catalog.yaml:30:23: error: {never_ran('1.2.0', 'web', 'prod', 'staging', 30, first).message} "
        "(promotion-order)\n"
        "1 error, 0 warnings in 26 files\n"
    )


def test_validate_outside_git_does_not_run_promotion_rules(tmp_path):
    root = tmp_path / "plain"
    root.mkdir()
    (root / "catalog.yaml").write_text(catalog({"web": ("1.2.0", "1.1.0", "1.2.0")}))
    generate(Repository.at(root))
    result = CliRunner().invoke(main, ["validate", "--root", str(root)])
    assert result.exit_code == 0
    assert result.stdout == "no problems in 26 files\n"

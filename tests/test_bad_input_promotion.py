"""Bad `promotesFrom` entries as a user meets them (see tests/test_bad_input.py): a git
repository with the catalog and its tree committed, one bad edit of catalog.yaml, then
`gitopsgen generate` and `gitopsgen validate`. Each exits 1 and prints exactly the finding
below, at the entry that is wrong, with what to do; no file but the edited catalog differs
afterwards, .git included. `promotesFrom: []` (a second entry point) is accepted."""

import pytest

from tests.gitrepo import commit_all, git, init
from tests.helpers import assert_refused, invoke

CATALOG = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://git.example.com/platform/gitops.git
clusters:
  main:
    server: https://main.k8s.example.com
    kubernetesVersion: "1.31"
teams:
  shop:
    groups: [shop-devs]
environments:
  dev:
    cluster: main
    namespace: shop-dev
  staging:
    cluster: main
    namespace: shop-staging
  prod:
    cluster: main
    namespace: shop-prod
defaults:
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
apps:
  web:
    team: shop
    image: ghcr.io/example/web
    probes:
      readiness: {command: [/ready]}
      liveness: {command: [/live]}
    environments:
      dev: {version: 1.2.0}
      staging: {version: 1.2.0}
      prod: {version: 1.2.0}
"""
DEV = "    namespace: shop-dev\n"  # line 15: an inserted line is 16
STAGING = "    namespace: shop-staging\n"  # line 18: an inserted line is 19
PROD = "    namespace: shop-prod\n"  # line 21: an inserted line is 22
assert [CATALOG.splitlines()[i] for i in (14, 17, 20)] == [
    line.rstrip("\n") for line in (DEV, STAGING, PROD)
]


def edit(*changes):
    """CATALOG with a line inserted after each anchor."""
    text = CATALOG
    for anchor, line in changes:
        assert text.count(anchor) == 1
        text = text.replace(anchor, anchor + line + "\n")
    return text


CASES = {
    "an-unknown-environment": (
        edit((STAGING, "    promotesFrom: [devv]")),
        "catalog.yaml:19:20: error: environment 'staging' promotes from 'devv', which is not an "
        "environment; did you mean 'dev'? (catalog-unknown-reference)",
    ),
    "an-unknown-environment-and-nothing-close": (
        edit((PROD, "    promotesFrom: [qa]")),
        "catalog.yaml:22:20: error: environment 'prod' promotes from 'qa', which is not an "
        "environment; name only environments listed before 'prod' (dev, staging) "
        "(catalog-unknown-reference)",
    ),
    "the-environment-itself": (
        edit((STAGING, "    promotesFrom: [staging]")),
        "catalog.yaml:19:20: error: environment 'staging' promotes from itself; name only "
        "environments listed before 'staging' (dev) (catalog-promotes-from)",
    ),
    "a-later-environment": (
        edit((STAGING, "    promotesFrom: [prod]"), (PROD, "    promotesFrom: [dev]")),
        "catalog.yaml:19:20: error: environment 'staging' promotes from 'prod', which comes "
        "after it; the list of environments is the promotion order: move 'prod' above "
        "'staging', or name only environments listed before 'staging' (dev) "
        "(catalog-promotes-from)",
    ),
    # prod promotes from staging by default, so staging from prod is a cycle
    "a-cycle": (
        edit((STAGING, "    promotesFrom: [prod]")),
        "catalog.yaml:19:20: error: environment 'staging' promotes from 'prod', which comes "
        "after it and closes the cycle staging -> prod -> staging (each promotes into the "
        "next): a cycle has no first environment; name only environments listed before "
        "'staging' (dev) (catalog-promotes-from)",
    ),
    "a-cycle-through-the-first-environment": (
        edit((DEV, "    promotesFrom: [prod]")),
        "catalog.yaml:16:20: error: environment 'dev' promotes from 'prod', which comes after "
        "it and closes the cycle dev -> staging -> prod -> dev (each promotes into the next): a "
        "cycle has no first environment; remove `promotesFrom` ('dev' is the first "
        "environment) (catalog-promotes-from)",
    ),
    "an-environment-twice": (
        edit((PROD, "    promotesFrom: [dev, staging, dev]")),
        "catalog.yaml:22:34: error: environment 'prod' names 'dev' twice in `promotesFrom`; "
        "keep one (catalog-promotes-from)",
    ),
    "a-name-instead-of-a-list": (
        edit((PROD, "    promotesFrom: staging")),
        "catalog.yaml:22:19: error: `environments.prod.promotesFrom` must be a list, not "
        "'staging' (catalog-schema)",
    ),
}


@pytest.fixture()
def repo(tmp_path):
    """A git repository with the good catalog and its tree committed; validate passes."""
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(CATALOG)
    generated = invoke("generate", "--root", str(root))
    assert generated.exit_code == 0, generated.output
    assert generated.stdout == "wrote 25 files, removed 0, 0 unchanged (from catalog.yaml)\n"
    commit_all(root, "catalog and tree")
    clean = invoke("validate", "--root", str(root))
    assert (clean.exit_code, clean.stdout) == (0, "no problems in 26 files\n")
    return root


@pytest.mark.parametrize("case", list(CASES))
def test_bad_promotes_from(case, repo):
    text, message = CASES[case]
    assert_refused(repo, text, 1, message, "1 error, 0 warnings in 1 file")


def test_an_empty_list_is_a_second_entry_point(repo):
    """`promotesFrom: []`: versions land in prod directly, as in the first environment, so
    a prod version no other environment ran is no promotion-order finding; generate changes
    no file (the tree does not depend on the promotion order here) and validate passes."""
    text = edit((PROD, "    promotesFrom: []")).replace(
        "      prod: {version: 1.2.0}", "      prod: {version: 1.3.0}"
    )
    (repo / "catalog.yaml").write_text(text)
    generated = invoke("generate", "--root", str(repo))
    assert (generated.exit_code, generated.stderr) == (0, "")
    assert generated.stdout == "wrote 1 file, removed 0, 24 unchanged (from catalog.yaml)\n"
    validated = invoke("validate", "--root", str(repo))
    assert (validated.exit_code, validated.stdout) == (0, "no problems in 26 files\n")


def test_without_the_empty_list_the_same_version_is_a_finding(repo):
    """The counterpart: prod promotes from staging by default, which never ran 1.3.0."""
    text = CATALOG.replace("      prod: {version: 1.2.0}", "      prod: {version: 1.3.0}")
    (repo / "catalog.yaml").write_text(text)
    assert invoke("generate", "--root", str(repo)).exit_code == 0
    validated = invoke("validate", "--root", str(repo))
    head = git(repo, "rev-parse", "--short=7", "HEAD").strip()
    assert validated.exit_code == 1
    assert validated.stdout == (
        "catalog.yaml:36:23: error: version '1.3.0' of app 'web' in 'prod' never ran in "
        f"'staging' (catalog history since {head}); promote it through 'staging' first, or "
        "mark it `hotfix: {reason: ...}` (promotion-order)\n"
        "1 error, 0 warnings in 26 files\n"
    )

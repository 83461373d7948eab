"""`gitopsgen promote` along a promotion DAG on a real git repository: the five
environments of tests/golden/promotion-dag (qa -> staging-eu -> prod-eu, qa -> staging-us
-> prod-us). Each environment takes its versions from its own source, not from the one
listed before it; a target with several sources asks for --from, and a version taken from
one of them must have run in the others too (in the working catalog or the git history)."""

from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from tests.gitrepo import commit_all, git, init
from tests.helpers import GOLDEN, snapshot
from tests.test_promote import changes

A, B, C, D = ("sha256:" + x * 64 for x in "abcd")
CATALOG = (GOLDEN / "promotion-dag" / "catalog.yaml").read_text()
WEB = {  # web's line in the catalog per environment, with the column of its version
    "qa": 84,
    "staging-eu": 85,
    "staging-us": 86,
    "prod-eu": 87,
    "prod-us": 88,
}


def repo(tmp_path, text=CATALOG):
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(text)
    generate(Repository.at(root))
    commit_all(root, "catalog and tree")
    return root


def promote(root, *args):
    return CliRunner().invoke(main, ["promote", *args, "--root", str(root)])


def web_line(env, version, rest=""):
    return f'      {env}: {{version: "{version}"{rest}}}\n'


def catalog_diff(env, old, new, rest=""):
    """The unified diff of catalog.yaml when web's version in `env` changes."""
    line = WEB[env]
    lines = CATALOG.splitlines(keepends=True)
    before, after = lines[line - 4 : line - 1], lines[line : line + 3]
    return (
        "--- a/catalog.yaml\n+++ b/catalog.yaml\n"
        f"@@ -{line - 3},7 +{line - 3},7 @@\n"
        + "".join(" " + x for x in before)
        + "-"
        + web_line(env, old, rest)
        + "+"
        + web_line(env, new, rest)
        + "".join(" " + x for x in after)
    )


def overlay_diff(env, old, new, count):
    """The unified diff of web's overlay in `env`; in the prods it lists a pdb.yaml too."""
    old_tag, old_digest = old.split("@")
    new_tag, new_digest = new.split("@")
    hunk = "@@ -12,8 +12,8 @@\n" if env.startswith("prod-") else "@@ -11,8 +11,8 @@\n"
    return f"""\
--- a/overlays/{env}/web/kustomization.yaml
+++ b/overlays/{env}/web/kustomization.yaml
{hunk}   includeTemplates: true
 images:
 - name: registry.example.com/shop/web
-  newTag: {old_tag}
-  digest: {old_digest}
+  newTag: {new_tag}
+  digest: {new_digest}
 replicas:
 - name: web
   count: {count}
"""


def test_prod_eu_takes_the_version_of_staging_eu(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "web", "--to", "prod-eu")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 2.0.0@{A} -> 2.1.0@{B} into prod-eu (from staging-eu)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert result.stderr == ""
    assert changes(before, snapshot(root)) == {
        "catalog.yaml": catalog_diff("prod-eu", f"2.0.0@{A}", f"2.1.0@{B}", ", replicas: 3"),
        "overlays/prod-eu/web/kustomization.yaml": overlay_diff(
            "prod-eu", f"2.0.0@{A}", f"2.1.0@{B}", 3
        ),
    }


def test_the_us_branch_from_qa_to_prod_us_on_a_branch(tmp_path):
    """staging-us promotes from qa, not from staging-eu listed before it; then prod-us from
    staging-us, committed on a new branch."""
    root = repo(tmp_path)
    before = snapshot(root)
    first = promote(root, "web", "--to", "staging-us")
    assert first.exit_code == 0
    assert first.stdout == (
        f"promoted web 2.0.0@{A} -> 2.2.0@{C} into staging-us (from qa)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert changes(before, snapshot(root)) == {
        "catalog.yaml": catalog_diff("staging-us", f"2.0.0@{A}", f"2.2.0@{C}"),
        "overlays/staging-us/web/kustomization.yaml": overlay_diff(
            "staging-us", f"2.0.0@{A}", f"2.2.0@{C}", 2
        ),
    }
    commit_all(root, "web 2.2.0 to staging-us")
    second = promote(root, "web", "--to", "prod-us", "--branch", "promote-web-us")
    assert second.exit_code == 0
    commit = git(root, "rev-parse", "HEAD").strip()
    assert second.stdout == (
        f"promoted web 1.9.4@{D} -> 2.2.0@{C} into prod-us (from staging-us)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
        f"committed {commit[:12]} on the new branch promote-web-us\n"
    )
    assert git(root, "rev-parse", "--abbrev-ref", "HEAD") == "promote-web-us\n"
    assert git(root, "log", "-1", "--format=%B") == (
        f"Promote web 2.2.0 to prod-us (from staging-us)\n\n- web: 1.9.4@{D} -> 2.2.0@{C}\n\n"
    )
    assert git(root, "show", "--name-status", "--format=", "HEAD") == (
        "M\tcatalog.yaml\nM\toverlays/prod-us/web/kustomization.yaml\n"
    )
    assert git(root, "status", "--porcelain") == ""


def test_from_an_environment_that_is_not_a_source_is_refused(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "web", "--to", "staging-us", "--from", "staging-eu")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        "catalog.yaml:44:3: error: staging-eu is not a source of staging-us in promotion order "
        "(staging-us promotes from 'qa'); take the versions from qa, or pass --force\n"
    )
    assert snapshot(root) == before
    across = promote(root, "web", "--to", "prod-us", "--from", "staging-eu")
    assert across.exit_code == 1
    assert across.stderr == (
        "catalog.yaml:60:3: error: staging-eu is not a source of prod-us in promotion order "
        "(prod-us promotes from 'staging-us'); take the versions from staging-us, or pass "
        "--force\n"
    )
    assert snapshot(root) == before


def test_forced_from_the_other_branch(tmp_path):
    root = repo(tmp_path)
    result = promote(root, "web", "--to", "prod-us", "--from", "staging-eu", "--force")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.9.4@{D} -> 2.1.0@{B} into prod-us (from staging-eu)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )


TWO_SOURCES = CATALOG.replace(
    "    promotesFrom: [staging-us]\n", "    promotesFrom: [staging-eu, staging-us]\n"
)


def test_several_sources_need_from(tmp_path):
    root = repo(tmp_path, TWO_SOURCES)
    before = snapshot(root)
    for args in (["web"], ["--all"]):
        result = promote(root, *args, "--to", "prod-us")
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "catalog.yaml:63:5: error: 'prod-us' promotes from 'staging-eu' and 'staging-us'; "
            "pass --from naming the one to take the versions from (e.g. --from staging-eu)\n"
        )
    assert snapshot(root) == before


def test_a_version_from_one_source_must_have_run_in_the_other(tmp_path):
    root = repo(tmp_path, TWO_SOURCES)
    head = git(root, "rev-parse", "--short=7", "HEAD").strip()
    before = snapshot(root)
    result = promote(root, "web", "--to", "prod-us", "--from", "staging-eu")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"catalog.yaml:88:26: error: version '2.1.0@{B}' of app 'web' in 'prod-us' never ran "
        f"in 'staging-us' (catalog history since {head}); promote it through 'staging-us' "
        "first, or mark it `hotfix: {reason: ...}` (promotion-order); --force promotes it "
        "anyway\n"
    )
    assert snapshot(root) == before


def test_a_version_that_ran_in_the_other_source_earlier_is_promoted(tmp_path):
    """staging-us ran 2.1.0 at an earlier commit and has moved on: prod-us may take 2.1.0
    from staging-eu."""
    root = repo(tmp_path, TWO_SOURCES)
    for version in (f"2.1.0@{B}", f"2.2.0@{C}"):
        text = TWO_SOURCES.replace(
            web_line("staging-us", f"2.0.0@{A}"), web_line("staging-us", version)
        )
        (root / "catalog.yaml").write_text(text)
        generate(Repository.at(root))
        commit_all(root, f"web {version} to staging-us")
    result = promote(root, "web", "--to", "prod-us", "--from", "staging-eu")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.9.4@{D} -> 2.1.0@{B} into prod-us (from staging-eu)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    validated = CliRunner().invoke(main, ["validate", "--root", str(root), "--no-cache"])
    assert (validated.exit_code, validated.stdout) == (0, "no problems in 68 files\n")

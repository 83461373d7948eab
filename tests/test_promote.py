"""`gitopsgen promote` through the CLI on a hand-written catalog full of comments and odd
formatting: only the promoted scalars change, the tree is regenerated, refusals write nothing."""

import difflib
import re

import pytest
from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from tests.helpers import CATALOGS, files_only, make_repo, snapshot

A, B, C, D, E = ("a" * 64, "b" * 64, "c" * 64, "d" * 64, "e" * 64)


def repo(tmp_path):
    root = make_repo(tmp_path, CATALOGS / "promote-handwritten.yaml")
    generate(Repository.at(root))
    return root


def promote(root, *args):
    return CliRunner().invoke(main, ["promote", *args, "--root", str(root)])


def changes(before, after):
    """path -> unified diff of every file that differs between two snapshots (a blank context
    line is shown as an empty line rather than one space, so the expected text has none)."""
    found = {}
    before, after = files_only(before), files_only(after)
    for path in sorted(set(before) | set(after)):
        if before.get(path) != after.get(path):
            old = before.get(path, b"").decode().splitlines(keepends=True)
            new = after.get(path, b"").decode().splitlines(keepends=True)
            diff = "".join(difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"))
            found[path] = re.sub(r"(?m)^ $", "", diff)
    return found


def web_prod_diffs():
    return {
        "catalog.yaml": f"""\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -61,7 +61,7 @@
         version: "1.5.0@sha256:{B}"   # double-quoted
         replicas: 2
       prod:
-        version: '1.4.1@sha256:{C}'  # single-quoted: stays single-quoted
+        version: '1.5.0@sha256:{B}'  # single-quoted: stays single-quoted

         replicas: 3        # a blank line above

""",
        "overlays/prod/web/kustomization.yaml": f"""\
--- a/overlays/prod/web/kustomization.yaml
+++ b/overlays/prod/web/kustomization.yaml
@@ -12,8 +12,8 @@
   includeTemplates: true
 images:
 - name: registry.example.com/shop/web
-  newTag: 1.4.1
-  digest: sha256:{C}
+  newTag: 1.5.0
+  digest: sha256:{B}
 replicas:
 - name: web
   count: 3
""",
    }


def test_promote_changes_only_the_version_and_regenerates(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "web", "--to", "prod")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.4.1@sha256:{C} -> 1.5.0@sha256:{B} into prod (from staging)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert result.stderr == ""
    assert changes(before, snapshot(root)) == web_prod_diffs()


def test_promote_is_what_generate_would_write(tmp_path):
    root = repo(tmp_path)
    assert promote(root, "web", "--to", "prod").exit_code == 0
    assert not generate(Repository.at(root), write=False).plan.drift


def test_promote_all_quotes_a_plain_version_with_a_digest(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "--all", "--to", "prod")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.4.1@sha256:{C} -> 1.5.0@sha256:{B} into prod (from staging)\n"
        f"promoted worker 3.0.0@sha256:{E} -> 3.1.0@sha256:{D} into prod (from staging)\n"
        "updated catalog.yaml; regenerated the tree: 2 file(s) written, 0 removed\n"
    )
    assert result.stderr == ""
    found = changes(before, snapshot(root))
    assert sorted(found) == [
        "catalog.yaml",
        "overlays/prod/web/kustomization.yaml",
        "overlays/prod/worker/kustomization.yaml",
    ]
    assert (
        found["catalog.yaml"]
        == f"""\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -61,7 +61,7 @@
         version: "1.5.0@sha256:{B}"   # double-quoted
         replicas: 2
       prod:
-        version: '1.4.1@sha256:{C}'  # single-quoted: stays single-quoted
+        version: '1.5.0@sha256:{B}'  # single-quoted: stays single-quoted

         replicas: 3        # a blank line above

@@ -95,7 +95,7 @@
       staging:
         version: 3.1.0@sha256:{D}
       prod:
-        version: 3.0.0@sha256:{E}
+        version: "3.1.0@sha256:{D}"

   batch:
     team: ops
"""
    )


def test_promote_all_with_nothing_to_do(tmp_path):
    root = repo(tmp_path)
    assert promote(root, "--all", "--to", "prod").exit_code == 0
    before = snapshot(root)
    result = promote(root, "--all", "--to", "prod")
    assert result.exit_code == 0
    assert result.stdout == (
        "every app enabled in both staging and prod already runs the same version there; "
        "nothing to promote\n"
    )
    assert result.stderr == ""
    assert snapshot(root) == before


def test_promote_same_version_is_nothing_to_do(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "batch", "--to", "staging")
    assert result.exit_code == 0
    assert (
        result.stdout
        == f"batch already runs 1.0.0@sha256:{'f' * 64} in staging; nothing to promote\n"
    )
    assert result.stderr == ""
    assert snapshot(root) == before


def test_force_into_a_disabled_environment_enables_it_and_quotes_a_number(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "cron", "--to", "staging", "--force")
    assert result.exit_code == 0
    assert result.stdout == (
        "promoted cron (none) -> 0.10 into staging (from dev) and enabled it there\n"
        "updated catalog.yaml; regenerated the tree: 4 file(s) written, 0 removed\n"
    )
    found = changes(before, snapshot(root))
    # the root syncs the new Application by name; cron's base now reaches staging, whose
    # admins own it in CODEOWNERS
    assert sorted(found) == [
        ".github/CODEOWNERS",
        "argocd/apps/staging/cron.yaml",
        "argocd/root/main.yaml",
        "catalog.yaml",
        "overlays/staging/cron/kustomization.yaml",
    ]
    assert (
        found["catalog.yaml"]
        == """\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -81,7 +81,7 @@
     port: 8000
     environments:
       dev: {version: "0.10"}         # quoted: 0.10 alone would be a number
-      staging: {enabled: false}
+      staging: {enabled: true, version: "0.10"}
       prod:
         enabled: false     # not yet

"""
    )


def test_force_rolls_back_an_older_version(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "api", "--to", "staging", "--force")
    assert result.exit_code == 0
    assert result.stdout == (
        "promoted api v2.2.0 -> v2.1.0 into staging (from dev)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert (
        changes(before, snapshot(root))["catalog.yaml"]
        == """\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -72,7 +72,7 @@
     resources: *small      # ... and its alias
     environments:
       dev: {version: v2.1.0}
-      staging: {version: v2.2.0}     # newer than dev
+      staging: {version: v2.1.0}     # newer than dev
       prod: {enabled: false}

   cron:
"""
    )


def test_force_skips_an_environment(tmp_path):
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, "web", "--from", "dev", "--to", "prod", "--force")
    assert result.exit_code == 0
    assert result.stdout == (
        f"promoted web 1.4.1@sha256:{C} -> 1.6.0-rc.1@sha256:{A} into prod (from dev)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert sorted(changes(before, snapshot(root))) == [
        "catalog.yaml",
        "overlays/prod/web/kustomization.yaml",
    ]


SKIP = "error: {0} is not directly before {1} in promotion order (dev -> staging -> prod); promote through each environment in turn, or pass --force\n"
REFUSALS = {
    "skips an environment": (
        ["web", "--from", "dev", "--to", "prod"],
        1,
        "catalog.yaml:32:3: " + SKIP.format("dev", "prod"),
    ),
    "goes backwards and rolls back": (
        ["web", "--from", "prod", "--to", "staging"],
        1,
        "catalog.yaml:25:3: "
        + SKIP.format("prod", "staging")
        + f"catalog.yaml:61:9: error: web 1.4.1@sha256:{C} in prod is older than 1.5.0@sha256:{B} in staging; pass --force to roll staging back\n",
    ),
    "older version": (
        ["api", "--to", "staging"],
        1,
        "catalog.yaml:75:17: error: api v2.1.0 in dev is older than v2.2.0 in staging; pass --force to roll staging back\n",
    ),
    "every app, one older": (
        ["--all", "--to", "staging"],
        1,
        "catalog.yaml:75:17: error: api v2.1.0 in dev is older than v2.2.0 in staging; pass --force to roll staging back\n",
    ),
    "into a disabled environment": (
        ["cron", "--to", "staging"],
        1,
        "catalog.yaml:84:17: error: cron is disabled in staging; pass --force to enable it there with 0.10\n",
    ),
    "from a disabled environment, even forced": (
        ["cron", "--to", "prod", "--force"],
        1,
        "catalog.yaml:84:17: error: cron is disabled in staging: there is no version to promote; enable it there first\n",
    ),
    "no digest into a digest environment, and disabled there": (
        ["api", "--to", "prod"],
        1,
        "catalog.yaml:76:14: error: api is disabled in prod; pass --force to enable it there with v2.2.0\n"
        "catalog.yaml:75:17: error: prod runs only versions pinned by digest (imagePolicy: digest) and api v2.2.0 in staging has no digest; pin it in staging first (e.g. v2.2.0@sha256:<digest>)\n",
    ),
    "no digest into a digest environment, even forced": (
        ["api", "--to", "prod", "--force"],
        1,
        "catalog.yaml:75:17: error: prod runs only versions pinned by digest (imagePolicy: digest) and api v2.2.0 in staging has no digest; pin it in staging first (e.g. v2.2.0@sha256:<digest>)\n",
    ),
    "a catalog that would be invalid after": (
        ["batch", "--to", "prod", "--force"],
        1,
        "catalog.yaml:104:5: error: in 'prod': Deployment batch runs 1 replica, below the environment's minimum of 2; set spec.replicas to at least 2 (workload-min-replicas)\n"
        "error: the catalog would be invalid after this promotion; nothing was written\n",
    ),
    "unknown app": (["wbe", "--to", "prod"], 2, "error: unknown app 'wbe'; did you mean 'web'?\n"),
    "unknown app, nothing close": (
        ["xyzzy", "--to", "prod"],
        2,
        "error: unknown app 'xyzzy'; known apps: api, batch, cron, web, worker\n",
    ),
    "unknown environment": (
        ["web", "--to", "prd"],
        2,
        "error: unknown environment 'prd'; did you mean 'prod'?\n",
    ),
    "unknown source environment": (
        ["web", "--from", "stagin", "--to", "prod"],
        2,
        "error: unknown environment 'stagin'; did you mean 'staging'?\n",
    ),
    "same environment twice": (
        ["web", "--from", "prod", "--to", "prod"],
        2,
        "error: --from and --to both name 'prod'; name two environments\n",
    ),
    "first environment": (
        ["web", "--to", "dev"],
        2,
        "error: 'dev' is the first environment in promotion order: there is nothing to promote from; pass --from ENV\n",
    ),
    "no app": (["--to", "prod"], 2, "error: name the apps to promote, or pass --all (not both)\n"),
    "apps and --all": (
        ["web", "--all", "--to", "prod"],
        2,
        "error: name the apps to promote, or pass --all (not both)\n",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_write_nothing(case, tmp_path):
    args, code, stderr = REFUSALS[case]
    root = repo(tmp_path)
    before = snapshot(root)
    result = promote(root, *args)
    assert result.exit_code == code
    assert result.stdout == ""
    assert result.stderr == stderr
    assert snapshot(root) == before


def test_invalid_catalog_before_is_refused(tmp_path):
    root = make_repo(
        tmp_path,
        (CATALOGS / "promote-handwritten.yaml").read_text().replace("replicas: 3 ", "replicas: 1 "),
    )
    before = snapshot(root)
    result = promote(root, "web", "--to", "prod")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert (
        result.stderr
        == "catalog.yaml:66:9: error: in 'prod': Deployment web runs 1 replica, below the environment's minimum of 2; set spec.replicas to at least 2 (workload-min-replicas)\n"
    )
    assert snapshot(root) == before


def test_missing_catalog(tmp_path):
    result = promote(tmp_path, "web", "--to", "prod")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == "catalog.yaml:1:1: error: catalog.yaml does not exist; create it, or pass --catalog PATH\n"
    )

"""`gitopsgen promote --addon NAME --to CLUSTER` on real git repositories: add-on versions
move between clusters in the order of the environments on them (nonprod -> prod; nonprod ->
eu and nonprod -> us on a DAG), the catalog edited in place and the add-on's Application
regenerated, all or nothing; the refusals with their whole messages."""

from click.testing import CliRunner

from generator.api import Repository, generate
from generator.cli.main import main
from tests.gitrepo import commit_all, git, init
from tests.helpers import case_repo, snapshot
from tests.test_promote import changes

HEAD = """\
apiVersion: gitopsgen/v1
kind: Catalog
repository:
  url: https://github.com/example/gitops.git
clusters:
"""
TAIL = """\
teams:
  sre:
    groups: [example:sre]
defaults:
  resources:
    requests: {cpu: 100m, memory: 128Mi}
    limits: {cpu: 500m, memory: 256Mi}
apps:
  web:
    team: sre
    image: ghcr.io/example/web
    probes:
      readiness: {command: [/ready]}
      liveness: {command: [/live]}
    environments:
"""


def cluster(name, **addons):
    """A cluster with add-ons {name: version} (cert_manager=... for cert-manager); a version
    may be a (version, chart name) pair."""
    text = f'  {name}:\n    server: https://{name}.k8s.example.com\n    kubernetesVersion: "1.31"\n'
    if addons:
        text += "    addons:\n"
    for key, version in addons.items():
        addon = key.replace("_", "-")
        version, chart = version if isinstance(version, tuple) else (version, addon)
        text += (
            f"      {addon}:\n"
            f"        chart: {{repoURL: https://charts.example.com, name: {chart}}}\n"
            f"        version: {version}\n"
            f"        namespace: {addon}\n"
        )
    return text


def catalog(clusters, environments):
    """environments: {name: (cluster, promotesFrom or None)}; web runs 1.0.0 in each."""
    text = HEAD + "".join(clusters) + "environments:\n"
    for env, (on, sources) in environments.items():
        promotes = "" if sources is None else f", promotesFrom: [{', '.join(sources)}]"
        text += f"  {env}: {{cluster: {on}, namespace: {env}{promotes}}}\n"
    text += TAIL + "".join(f"      {env}: {{version: 1.0.0}}\n" for env in environments)
    return text


def line_of(text, needle, after=None):
    """The 1-based line of the first line containing `needle` (after the line holding
    `after`), and the column where `needle` starts."""
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if after in x) if after else 0
    at = next(i for i in range(start, len(lines)) if needle in lines[i])
    return f"{at + 1}:{lines[at].index(needle.lstrip()) + 1}"


def files(root):
    """The snapshot of the work tree, without git's own files."""
    return {p: b for p, b in snapshot(root).items() if not p.startswith(".git/")}


def golden_repo(tmp_path):
    """The golden add-ons case, generated and committed."""
    root = init(case_repo(tmp_path, "addons"))
    generate(Repository.at(root))
    commit_all(root, "catalog and tree")
    return root


DAG_ENVS = {
    "qa": ("nonprod", None),
    "staging-eu": ("nonprod", None),
    "staging-us": ("nonprod", ["qa"]),
    "prod-eu": ("eu", ["staging-eu"]),
    "prod-us": ("us", ["staging-us"]),
}
DAG = catalog(
    [
        cluster("nonprod", cert_manager="v1.17.1"),
        cluster("eu", cert_manager="v1.16.3"),
        cluster("us", cert_manager="v1.15.0"),
    ],
    DAG_ENVS,
)
# Two source clusters: prod promotes from staging-eu (on stage-eu) and staging-us (stage-us).
TWO_ENVS = {
    "staging-eu": ("stage-eu", None),
    "staging-us": ("stage-us", []),
    "prod": ("prod", ["staging-eu", "staging-us"]),
}
TWO = catalog(
    [
        cluster("stage-eu", cert_manager="v1.17.1"),
        cluster("stage-us", cert_manager="v1.16.3"),
        cluster("prod", cert_manager="v1.16.3"),
    ],
    TWO_ENVS,
)
# dev on a, staging on b, prod on a: a and b come after each other.
CYCLE = catalog(
    [cluster("a", cert_manager="v1.16.3"), cluster("b", cert_manager="v1.17.1")],
    {"dev": ("a", None), "staging": ("b", None), "prod": ("a", None)},
)


def repo(tmp_path, text):
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(text)
    generate(Repository.at(root))
    commit_all(root, "catalog and tree")
    return root


def promote(root, *args):
    return CliRunner().invoke(main, ["promote", *args, "--root", str(root)])


def application_diff(cluster_name, addon, old, new):
    """The diff of an add-on's Application of the catalogs above (no values)."""
    return f"""\
--- a/argocd/addons/{cluster_name}/{addon}.yaml
+++ b/argocd/addons/{cluster_name}/{addon}.yaml
@@ -18,7 +18,7 @@
   sources:
   - repoURL: https://charts.example.com
     chart: {addon}
-    targetRevision: {old}
+    targetRevision: {new}
     helm:
       releaseName: {addon}
   destination:
"""


def catalog_diff(text, cluster_name, addon, old, new):
    """The diff of catalog.yaml when `addon`'s version on `cluster_name` changes."""
    lines = text.splitlines(keepends=True)
    at = int(line_of(text, f"version: {old}", after=f"  {cluster_name}:").split(":")[0])
    before, after = lines[at - 4 : at - 1], lines[at : at + 3]
    return (
        "--- a/catalog.yaml\n+++ b/catalog.yaml\n"
        f"@@ -{at - 3},7 +{at - 3},7 @@\n"
        + "".join(" " + x for x in before)
        + f"-        version: {old}\n+        version: {new}\n"
        + "".join(" " + x for x in after)
    )


def test_promote_cert_manager_from_nonprod_to_prod(tmp_path):
    """The golden add-ons catalog: dev on nonprod, prod on prod; the catalog keeps its
    formatting, prod's Application gets the chart version."""
    root = golden_repo(tmp_path)
    before = files(root)
    result = promote(root, "--addon", "cert-manager", "--to", "prod")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.17.1 onto cluster prod (from nonprod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert result.stderr == ""
    assert changes(before, files(root)) == {
        "catalog.yaml": """\
--- a/catalog.yaml
+++ b/catalog.yaml
@@ -32,7 +32,7 @@
     addons:
       cert-manager:
         chart: {repoURL: https://charts.jetstack.io, name: cert-manager}
-        version: v1.16.3
+        version: v1.17.1
         namespace: cert-manager
         values:
           crds: {enabled: true}
""",
        "argocd/addons/prod/cert-manager.yaml": """\
--- a/argocd/addons/prod/cert-manager.yaml
+++ b/argocd/addons/prod/cert-manager.yaml
@@ -18,7 +18,7 @@
   sources:
   - repoURL: https://charts.jetstack.io
     chart: cert-manager
-    targetRevision: v1.16.3
+    targetRevision: v1.17.1
     helm:
       releaseName: cert-manager
       valuesObject:
""",
    }
    again = promote(root, "--addon", "cert-manager", "--to", "prod")
    assert again.exit_code == 0
    assert again.stdout == (
        "add-on cert-manager already runs v1.17.1 on cluster prod; nothing to promote\n"
    )


def test_all_addons_on_a_new_branch(tmp_path):
    """--all-addons moves every add-on installed on both clusters whose version differs
    (cert-manager; ingress-nginx is on nonprod only, external-secrets on prod only)."""
    root = golden_repo(tmp_path)
    result = promote(root, "--all-addons", "--to", "prod", "--branch", "addons-to-prod")
    assert result.exit_code == 0, result.output
    commit = git(root, "rev-parse", "HEAD").strip()
    assert result.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.17.1 onto cluster prod (from nonprod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
        f"committed {commit[:12]} on the new branch addons-to-prod\n"
    )
    assert git(root, "log", "-1", "--format=%B") == (
        "Promote add-on cert-manager v1.17.1 to cluster prod (from nonprod)\n\n"
        "- cert-manager: v1.16.3 -> v1.17.1\n\n"
    )
    assert git(root, "show", "--name-status", "--format=", "HEAD") == (
        "M\targocd/addons/prod/cert-manager.yaml\nM\tcatalog.yaml\n"
    )
    assert git(root, "status", "--porcelain") == ""
    again = promote(root, "--all-addons", "--to", "prod")
    assert again.exit_code == 0
    assert again.stdout == (
        "every add-on installed on both clusters nonprod and prod already runs the same "
        "version there; nothing to promote\n"
    )


def test_both_branches_of_a_cluster_dag(tmp_path):
    """nonprod (qa, staging-eu, staging-us) -> eu (prod-eu) and -> us (prod-us): each takes
    nonprod's version."""
    root = repo(tmp_path, DAG)
    before = files(root)
    eu = promote(root, "--addon", "cert-manager", "--to", "eu")
    assert eu.exit_code == 0, eu.output
    assert eu.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.17.1 onto cluster eu (from nonprod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )
    assert changes(before, files(root)) == {
        "catalog.yaml": catalog_diff(DAG, "eu", "cert-manager", "v1.16.3", "v1.17.1"),
        "argocd/addons/eu/cert-manager.yaml": application_diff(
            "eu", "cert-manager", "v1.16.3", "v1.17.1"
        ),
    }
    commit_all(root, "cert-manager v1.17.1 on eu")
    middle = files(root)
    us = promote(root, "--addon", "cert-manager", "--to", "us", "--branch", "cert-manager-us")
    assert us.exit_code == 0, us.output
    commit = git(root, "rev-parse", "HEAD").strip()
    assert us.stdout == (
        "promoted add-on cert-manager v1.15.0 -> v1.17.1 onto cluster us (from nonprod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
        f"committed {commit[:12]} on the new branch cert-manager-us\n"
    )
    edited = DAG.replace("version: v1.16.3", "version: v1.17.1")
    assert changes(middle, files(root)) == {
        "catalog.yaml": catalog_diff(edited, "us", "cert-manager", "v1.15.0", "v1.17.1"),
        "argocd/addons/us/cert-manager.yaml": application_diff(
            "us", "cert-manager", "v1.15.0", "v1.17.1"
        ),
    }


def test_from_between_branches_of_the_dag_is_refused_unless_forced(tmp_path):
    """eu and us are both after nonprod, neither after the other."""
    root = repo(tmp_path, DAG)
    before = files(root)
    result = promote(root, "--addon", "cert-manager", "--to", "us", "--from", "eu")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"catalog.yaml:{line_of(DAG, 'us:')}: error: cluster 'eu' is not a source of cluster "
        "'us' in promotion order ('us' promotes from cluster 'nonprod'); take the versions "
        "from nonprod, or pass --force\n"
    )
    assert files(root) == before
    forced = promote(root, "--addon", "cert-manager", "--to", "us", "--from", "eu", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout == (
        "promoted add-on cert-manager v1.15.0 -> v1.16.3 onto cluster us (from eu)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )


def test_several_source_clusters_ask_for_from_and_the_others_history(tmp_path):
    """prod promotes from stage-eu and stage-us: --from names one, and the version must
    have run on the other too (in the catalog's git history), unless --force."""
    root = repo(tmp_path, TWO)
    before = files(root)
    asked = promote(root, "--addon", "cert-manager", "--to", "prod")
    assert asked.exit_code == 2
    assert asked.stderr == (
        f"catalog.yaml:{line_of(TWO, '  prod:')}: error: cluster 'prod' promotes from clusters "
        "'stage-eu' and 'stage-us'; pass --from naming the one to take the versions from "
        "(e.g. --from stage-eu)\n"
    )
    refused = promote(root, "--addon", "cert-manager", "--to", "prod", "--from", "stage-eu")
    assert refused.exit_code == 1
    at = line_of(TWO, "v1.16.3", after="  prod:")
    assert refused.stderr == (
        f"catalog.yaml:{at}: error: version 'v1.17.1' of add-on 'cert-manager' on cluster "
        "'prod' never ran on cluster 'stage-us' (catalog history since "
        f"{git(root, 'rev-parse', '--short=7', 'HEAD').strip()}); promote it through cluster "
        "'stage-us' first, or mark it `hotfix: {reason: ...}` (promotion-addon-order); "
        "--force promotes it anyway\n"
    )
    assert files(root) == before
    # v1.17.1 runs on stage-us for a commit, then stage-us goes back: it ran there.
    ran = TWO.replace("version: v1.16.3", "version: v1.17.1", 1)  # stage-us is the first v1.16.3
    (root / "catalog.yaml").write_text(ran)
    generate(Repository.at(root))
    commit_all(root, "cert-manager v1.17.1 on stage-us")
    (root / "catalog.yaml").write_text(TWO)
    generate(Repository.at(root))
    commit_all(root, "stage-us back to v1.16.3")
    done = promote(root, "--addon", "cert-manager", "--to", "prod", "--from", "stage-eu")
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.17.1 onto cluster prod (from stage-eu)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )


def test_clusters_that_promote_from_each_other_have_no_order(tmp_path):
    """dev on a, staging on b, prod on a: neither cluster is a source of the other."""
    root = repo(tmp_path, CYCLE)
    before = files(root)
    result = promote(root, "--addon", "cert-manager", "--to", "a")
    assert result.exit_code == 2
    assert result.stderr == (
        f"catalog.yaml:{line_of(CYCLE, '  a:')}: error: cluster 'a' and cluster 'b' promote "
        "from each other (through the environments on them), so add-ons have no order between "
        "them and 'a' promotes from no cluster; pass --from CLUSTER and --force\n"
    )
    named = promote(root, "--addon", "cert-manager", "--to", "a", "--from", "b")
    assert named.exit_code == 1
    assert named.stderr == (
        f"catalog.yaml:{line_of(CYCLE, '  a:')}: error: clusters 'b' and 'a' promote from each "
        "other (through the environments on them), so add-ons have no order between them; "
        "pass --force to take the versions from 'b'\n"
    )
    assert files(root) == before
    forced = promote(root, "--addon", "cert-manager", "--to", "a", "--from", "b", "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.17.1 onto cluster a (from b)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )


REFUSALS = catalog(
    [
        cluster(
            "nonprod",
            cert_manager="v1.15.0",
            ingress_nginx="4.12.1",
            external_dns=("1.15.0", "external-dns"),
        ),
        cluster(
            "prod",
            cert_manager="v1.16.3",
            external_secrets="0.16.1",
            external_dns=("8.7.0", "bitnami-external-dns"),
        ),
    ],
    {"dev": ("nonprod", None), "prod": ("prod", None)},
)


def test_refusals_say_why_and_change_nothing(tmp_path):
    root = repo(tmp_path, REFUSALS)
    before = files(root)
    text = REFUSALS
    nonprod_addons = line_of(text, "addons:", after="  nonprod:")
    prod_addons = line_of(text, "addons:", after="  prod:")
    cases = [
        (
            ["--addon", "cert-manager"],
            1,
            f"catalog.yaml:{line_of(text, 'version: v1.16.3')}: error: add-on cert-manager "
            "v1.15.0 on cluster nonprod is older than v1.16.3 on cluster prod; pass --force "
            "to roll prod back\n",
        ),
        (
            ["--addon", "external-secrets"],
            1,
            f"catalog.yaml:{nonprod_addons}: error: add-on 'external-secrets' is not installed "
            "on cluster 'nonprod': there is no version to promote; install it there first\n",
        ),
        (
            ["--addon", "ingress-nginx", "--force"],
            1,
            f"catalog.yaml:{prod_addons}: error: add-on 'ingress-nginx' is not installed on "
            "cluster 'prod'; promote moves versions only: add it under clusters.prod.addons "
            "(its chart, namespace and values) first\n",
        ),
        (
            ["--addon", "external-dns", "--force"],
            1,
            f"catalog.yaml:{line_of(text, 'chart:', after='bitnami')}: error: add-on 'external-dns' installs the chart 'external-dns' on cluster "
            "'nonprod' and 'bitnami-external-dns' on cluster 'prod': its versions are another "
            "chart's; give both clusters the same chart first\n",
        ),
    ]
    for args, code, message in cases:
        result = promote(root, *args, "--to", "prod")
        assert (result.exit_code, result.stdout, result.stderr) == (code, "", message), args
    assert files(root) == before


def test_usage_errors_exit_2(tmp_path):
    root = repo(tmp_path, REFUSALS)
    before = files(root)
    cases = [
        (
            ["--addon", "cert-manger", "--to", "prod"],
            "error: unknown add-on 'cert-manger'; did you mean 'cert-manager'?\n",
        ),
        (
            ["--addon", "cert-manager", "--to", "production"],
            "error: unknown cluster 'production'; known clusters: nonprod, prod\n",
        ),
        (
            ["--addon", "cert-manager", "--to", "prod", "--from", "prod"],
            "error: --from and --to both name cluster 'prod'; name two clusters\n",
        ),
        (
            ["web", "--addon", "cert-manager", "--to", "prod"],
            "error: promote apps or add-ons, not both: --to names an environment for apps and "
            "a cluster for add-ons\n",
        ),
        (
            ["--all", "--all-addons", "--to", "prod"],
            "error: promote apps or add-ons, not both: --to names an environment for apps and "
            "a cluster for add-ons\n",
        ),
        (
            ["--addon", "cert-manager", "--all-addons", "--to", "prod"],
            "error: name the add-ons to promote with --addon, or pass --all-addons (not both)\n",
        ),
        (
            ["--addon", "cert-manager", "--to", "nonprod"],
            f"catalog.yaml:{line_of(REFUSALS, '  nonprod:')}: error: cluster 'nonprod' is first "
            "in promotion order (no environment on it promotes from an environment on another "
            "cluster): there is nothing to promote from; pass --from CLUSTER and --force\n",
        ),
    ]
    for args, message in cases:
        result = promote(root, *args)
        assert (result.exit_code, result.stdout, result.stderr) == (2, "", message), args
    assert files(root) == before


def test_forced_roll_back(tmp_path):
    root = repo(tmp_path, REFUSALS)
    result = promote(root, "--addon", "cert-manager", "--to", "prod", "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "promoted add-on cert-manager v1.16.3 -> v1.15.0 onto cluster prod (from nonprod)\n"
        "updated catalog.yaml; regenerated the tree: 1 file(s) written, 0 removed\n"
    )

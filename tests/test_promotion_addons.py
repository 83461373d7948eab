"""`promotion-addon-order` and `promotion-hotfix` for cluster add-ons on real temporary git
histories of catalog.yaml: the golden add-ons catalog (nonprod -> prod), a cluster DAG, a
cluster between two that lacks the add-on, and clusters that promote from each other.
Whole finding lists."""

from generator.catalog.build import build_catalog
from generator.catalog.cluster_order import addon_sources, cyclic, source_clusters
from generator.catalog.load import catalog_findings
from generator.finding import Finding, Position, Severity
from generator.rules.promotion import promotion_findings
from generator.yamlio import load_located
from tests.gitrepo import init
from tests.helpers import GOLDEN
from tests.test_promote_addons import CYCLE, DAG, catalog, cluster, line_of
from tests.test_promotion import check, commit

ADDONS = (GOLDEN / "addons" / "catalog.yaml").read_text()
PROD_CERT_MANAGER = "        version: v1.16.3\n"  # cert-manager on prod, line 35


def prod(version, extra=""):
    """The golden add-ons catalog with cert-manager `version` on prod (and `extra` lines)."""
    return ADDONS.replace(PROD_CERT_MANAGER, f"        version: {version}\n{extra}", 1)


def never_ran(version, addon, on, missing, text, since, line_after=None):
    where = line_of(text, version, after=line_after or f"  {on}:").split(":")
    history = (
        f"catalog history since {since[:7]}" if since else "working catalog only: no git history"
    )
    return Finding(
        rule="promotion-addon-order",
        severity=Severity.ERROR,
        message=(
            f"version '{version}' of add-on '{addon}' on cluster '{on}' never ran on cluster "
            f"'{missing}' ({history}); promote it through cluster '{missing}' first, or mark "
            "it `hotfix: {reason: ...}`"
        ),
        position=Position("catalog.yaml", int(where[0]), int(where[1])),
    )


def test_a_prod_version_that_never_ran_on_nonprod_is_flagged(tmp_path):
    """nonprod runs v1.17.1 and never ran v1.17.2; external-secrets and kube-prometheus-stack
    are on prod alone (they start there) and web runs 1.4.0 in both: one finding."""
    root = init(tmp_path / "repo")
    first = commit(root, ADDONS, "start")
    working = prod("v1.17.2")
    assert check(root, working) == [
        never_ran("v1.17.2", "cert-manager", "prod", "nonprod", working, first)
    ]
    assert check(root, prod("v1.17.1")) == []
    # The oldest commit's versions are where the rule starts: v1.16.3 on prod passes.
    assert check(root, ADDONS) == []


def test_a_version_that_ran_on_nonprod_at_an_earlier_commit_passes(tmp_path):
    root = init(tmp_path / "repo")
    commit(root, ADDONS, "start")
    tried = ADDONS.replace("version: v1.17.1", "version: v1.17.2", 1)  # nonprod's
    commit(root, tried, "cert-manager v1.17.2 on nonprod")
    commit(root, ADDONS, "nonprod back to v1.17.1")
    assert check(root, prod("v1.17.2")) == []


def test_hotfix_marker_on_an_addon(tmp_path):
    """A hotfix excuses a version that never ran on nonprod; on one that did, it is stale."""
    root = init(tmp_path / "repo")
    commit(root, ADDONS, "start")
    marker = "        hotfix: {reason: CVE-2025-1234 fixed upstream}\n"
    assert check(root, prod("v1.17.2", marker)) == []
    stale = prod("v1.17.1", marker)
    where = line_of(stale, "hotfix:").split(":")
    assert check(root, stale) == [
        Finding(
            rule="promotion-hotfix",
            severity=Severity.WARNING,
            message=(
                "version 'v1.17.1' of add-on 'cert-manager' on cluster 'prod' ran on cluster "
                "'nonprod', so it is no hotfix; remove its `hotfix` marker"
            ),
            position=Position("catalog.yaml", int(where[0]), int(where[1])),
        )
    ]


def test_each_branch_of_a_cluster_dag_checks_nonprod(tmp_path):
    """eu and us both promote from nonprod, which runs v1.17.1: eu's v1.17.2 never ran
    there, us' v1.17.1 did."""
    root = init(tmp_path / "repo")
    first = commit(root, DAG, "start")
    working = DAG.replace("version: v1.16.3", "version: v1.17.2").replace(
        "version: v1.15.0", "version: v1.17.1"
    )
    assert check(root, working) == [
        never_ran("v1.17.2", "cert-manager", "eu", "nonprod", working, first)
    ]


LINE = {"dev": ("dev-c", None), "staging": ("stage-c", None), "prod": ("prod-c", None)}


def test_a_cluster_without_the_addon_lets_its_sources_stand_in(tmp_path):
    """dev-c -> stage-c -> prod-c, cert-manager not on stage-c: prod-c's version must have
    run on dev-c."""
    text = catalog(
        [
            cluster("dev-c", cert_manager="v1.17.1"),
            cluster("stage-c", ingress_nginx="4.12.1"),
            cluster("prod-c", cert_manager="v1.16.3"),
        ],
        LINE,
    )
    built = build_catalog(load_located(text, "catalog.yaml"))
    assert source_clusters(built, "prod-c") == ("stage-c",)
    assert addon_sources(built, "cert-manager", "prod-c") == ("dev-c",)
    root = init(tmp_path / "repo")
    first = commit(root, text, "start")
    working = text.replace("version: v1.16.3", "version: v1.18.0")
    assert check(root, working) == [
        never_ran("v1.18.0", "cert-manager", "prod-c", "dev-c", working, first)
    ]
    assert check(root, text.replace("version: v1.16.3", "version: v1.17.1")) == []


def test_clusters_that_promote_from_each_other_are_not_checked(tmp_path):
    """dev on a, staging on b, prod on a: no order between a and b, so no finding whatever
    the versions."""
    built = build_catalog(load_located(CYCLE, "catalog.yaml"))
    assert cyclic(built, "a", "b")
    assert (source_clusters(built, "a"), source_clusters(built, "b")) == ((), ())
    root = init(tmp_path / "repo")
    commit(root, CYCLE, "start")
    assert check(root, CYCLE.replace("version: v1.16.3", "version: v1.18.0")) == []


def test_with_a_base_only_changed_addons_are_checked(tmp_path):
    """prod's v1.17.2 was committed without running on nonprod: with the base at that
    commit, a working change elsewhere does not report it; without a base it does."""
    root = init(tmp_path / "repo")
    first = commit(root, ADDONS, "start")
    committed = prod("v1.17.2")
    base = commit(root, committed, "cert-manager v1.17.2 straight to prod")
    working = committed.replace("version: 4.12.1", "version: 4.12.2")  # ingress-nginx
    assert check(root, working, base) == []
    assert check(root, working) == [
        never_ran("v1.17.2", "cert-manager", "prod", "nonprod", working, first)
    ]
    moved = committed.replace("version: v1.17.2", "version: v1.17.3")
    assert check(root, moved, base) == [
        never_ran("v1.17.3", "cert-manager", "prod", "nonprod", moved, first)
    ]


def test_outside_git_the_working_catalog_is_the_only_evidence(tmp_path):
    (tmp_path / "platform").mkdir()
    path = tmp_path / "catalog.yaml"
    working = prod("v1.17.2")
    path.write_text(working)
    doc = load_located(working, "catalog.yaml")
    assert catalog_findings(doc) == []
    assert promotion_findings(path, build_catalog(doc), doc) == [
        never_ran("v1.17.2", "cert-manager", "prod", "nonprod", working, None)
    ]

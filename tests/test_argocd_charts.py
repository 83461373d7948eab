"""The Argo CD objects of chart apps and cluster add-ons: what generate writes validates
against the pinned Argo CD CRD schemas, the add-ons projects are the only ones that may
deploy every cluster-scoped kind, and validate's Argo CD rules read multi-source
Applications."""

import copy

import pytest
import yaml

from generator.api import Repository, generate
from generator.k8s.schema import SchemaRegistry
from generator.validate.repository import validate
from tests.gitrepo import commit_all, init
from tests.helpers import GOLDEN, case_repo, chart_unavailable, files_only, snapshot
from tests.test_golden import CASES
from tests.test_golden_builds import GRAFANA, PODINFO

ARGO = ("Application", "AppProject")


def argo_objects(case):
    tree = files_only(snapshot(GOLDEN / case / "tree"))
    return [
        (path, obj)
        for path, data in sorted(tree.items())
        if path.startswith("argocd/")
        for obj in yaml.safe_load_all(data)
        if obj and obj["kind"] in ARGO
    ]


@pytest.mark.parametrize("case", ["charts", "addons"])
def test_argocd_objects_match_the_pinned_crds(case):
    registry = SchemaRegistry()
    objects = argo_objects(case)
    multi = [o for _, o in objects if "sources" in o.get("spec", {})]
    assert multi, "the case has chart apps or add-ons"
    assert [(p, registry.problems(o, "1.31")) for p, o in objects] == [(p, []) for p, _ in objects]
    # ... and the schema sees inside `sources`: a misspelled Helm field is refused.
    bad = copy.deepcopy(multi[0])
    helm = bad["spec"]["sources"][0]["helm"]
    helm["releaseNmae"] = helm.pop("releaseName")
    assert [p.message for p in registry.problems(bad, "1.31")] == [
        "spec.sources[0].helm.releaseNmae: unknown field 'releaseNmae'; did you mean 'releaseName'?"
    ]


def test_only_the_addons_projects_allow_every_cluster_scoped_kind():
    wildcard = [
        (case, obj["metadata"]["name"])
        for case in CASES
        for _, obj in argo_objects(case)
        if obj["kind"] == "AppProject"
        and {"group": "*", "kind": "*"} in obj["spec"].get("clusterResourceWhitelist", [])
    ]
    assert wildcard == [("addons", "addons-nonprod"), ("addons", "addons-prod")]


def test_a_chart_repository_the_project_does_not_allow(tmp_path):
    """A hand edit that drops the chart's repository from the project: Argo CD would refuse
    the Application, and validate says so at the chart source."""
    root = case_repo(tmp_path, "charts")
    generate(Repository.at(root))
    project = root / "argocd/projects/staging.yaml"
    text = project.read_text()
    project.write_text(text.replace("  - oci://ghcr.io/stefanprodan/charts/podinfo\n", "", 1))
    found = [
        (f.rule, f.path, f.line, f.message) for f in validate(Repository.at(root)).result.findings
    ]
    assert found == [
        (
            "argocd-source-denied",
            "argocd/apps/staging/podinfo.yaml",
            20,
            "Application 'staging-podinfo' pulls from "
            "'oci://ghcr.io/stefanprodan/charts/podinfo', which project 'staging' does not "
            "allow; use the catalog's repository or add it to the project's sourceRepos",
        ),
        (
            "tree-drift",
            "argocd/projects/staging.yaml",
            17,
            "argocd/projects/staging.yaml differs from what catalog.yaml generates (line 17: "
            "found 'destinations:', expected '- oci://ghcr.io/stefanprodan/charts/podinfo'); "
            "change catalog.yaml, not the generated file, and run 'gitopsgen generate'",
        ),
        *(
            (rule, path, line, message)
            for rule, _, path, line, message in (
                chart_unavailable(70, "grafana", "8.10.1", GRAFANA, "dev"),
                chart_unavailable(75, "grafana", "8.9.0", GRAFANA, "prod"),
                chart_unavailable(85, "podinfo", "6.7.1", PODINFO, "dev, staging"),
                chart_unavailable(87, "podinfo", "6.7.0", PODINFO, "prod"),
            )
        ),
    ]


def test_validate_changed_checks_the_chart_apps_and_addons_it_touches(tmp_path):
    """`validate --changed` after a hand edit of a project: the chart app's Application
    (which builds no folder here) and the add-ons' are still checked."""
    root = init(case_repo(tmp_path, "charts"))
    generate(Repository.at(root))
    base = commit_all(root, "catalog and tree")
    project = root / "argocd/projects/staging.yaml"
    text = project.read_text()
    project.write_text(text.replace("  - oci://ghcr.io/stefanprodan/charts/podinfo\n", "", 1))
    found = [
        (f.rule, f.path, f.line)
        for f in validate(Repository.at(root), changed_since=base).result.findings
    ]
    assert found == [
        ("argocd-source-denied", "argocd/apps/staging/podinfo.yaml", 20),
        # The staging chart app is rendered too: its public chart is not here (offline).
        ("chart-unavailable", "catalog.yaml", 86),
    ]

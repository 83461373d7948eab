"""The synthetic catalog of the scale benchmarks (benchmarks/synthetic.py) generates a tree
`validate` passes with no finding at all, with the shares of kinds and features it promises."""

from collections import Counter
from pathlib import PurePosixPath

from benchmarks.synthetic import SHARES, catalog
from generator.api import Repository, generate
from generator.validate.repository import validate
from tests.gitrepo import commit_all, init

APPS = 20


def test_synthetic_catalog_validates_clean_with_its_shares(tmp_path):
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_text(catalog(APPS))
    tree = generate(Repository.at(root)).tree
    commit_all(root, "synthetic")  # so the promotion rules read a history too

    assert validate(Repository.at(root)).result.findings == ()

    files = Counter(
        (p.parts[0], p.parts[1] if p.parts[0] == "overlays" else "", p.name)
        for p in map(PurePosixPath, tree)
    )
    kinds = {
        "Deployment": files["base", "", "deployment.yaml"],
        "StatefulSet": files["base", "", "statefulset.yaml"],
        "CronJob": files["base", "", "cronjob.yaml"],
    }
    assert kinds == {kind: round(share * APPS) for kind, share in SHARES.items()}
    assert {
        "ingresses": files["base", "", "ingress.yaml"],
        "service monitors": files["base", "", "servicemonitor.yaml"],
        "external secrets": files["base", "", "externalsecret.yaml"],
        "apps in prod": files["overlays", "prod", "kustomization.yaml"] - 1,  # _namespace
        "autoscalers in prod": files["overlays", "prod", "hpa.yaml"],
        "autoscalers in dev": files["overlays", "dev", "hpa.yaml"],
        "budgets in prod": files["overlays", "prod", "pdb.yaml"],
    } == {
        "ingresses": 11,
        "service monitors": 5,
        "external secrets": 12,
        "apps in prod": 19,  # one worker is not in prod yet
        "autoscalers in prod": 12,
        "autoscalers in dev": 0,
        "budgets in prod": 17,  # every replicated Deployment and StatefulSet
    }
    text = (root / "catalog.yaml").read_text()
    assert text.count("    dependsOn: [") == 15  # every Deployment but the first app

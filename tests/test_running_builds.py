"""Builds under way (generator.builds.batch.Builder.start): a whole `validate` starts its
builds once the catalog's model is known, while the rules run on what the catalog renders,
checks each environment as soon as that environment's folders are built, while the next ones
build, and stops the builds under way when it ends early. Each ordering is proved by making
one side wait for the other (with a bound, so the old order fails instead of hanging)."""

import threading

import pytest

from generator import kustomize
from generator.api import Repository, generate
from generator.builds.batch import Builder
from generator.builds.cache import Cache
from generator.builds.running import Running
from generator.validate import repository
from generator.validate.tree_check import Scope
from tests.helpers import ROOT, make_repo
from tests.test_validate import CLEAN

BOUND = 60  # seconds one side waits for the other before giving up


def generated(tmp_path, catalog=None):
    root = make_repo(tmp_path, catalog if catalog is not None else ROOT / "catalog.yaml")
    generate(Repository.at(root))
    return root


def builds_calling(monkeypatch, before):
    """Kustomize, alone or in aggregates, calling `before(folders)` first."""
    real_build, real_together = kustomize.build, kustomize.build_together

    def build(folder):
        before([folder])
        return real_build(folder)

    def together(folders):
        before(list(folders))
        return real_together(folders)

    monkeypatch.setattr(kustomize, "build", build)
    monkeypatch.setattr(kustomize, "build_together", together)


def test_an_environment_is_checked_while_the_last_one_builds(tmp_path, monkeypatch):
    root = generated(tmp_path)
    first_checked = threading.Event()
    waited = []  # for each Kustomize process of prod: whether dev's check had started

    def before(folders):
        if folders[0].parent.name == "prod":
            waited.append(first_checked.wait(timeout=BOUND))

    real_check = repository.check_built_environment

    def check(*args, **kwargs):
        first_checked.set()
        return real_check(*args, **kwargs)

    builds_calling(monkeypatch, before)
    monkeypatch.setattr(repository, "check_built_environment", check)
    validation = repository.validate(Repository.at(root))
    assert validation.result.findings == ()
    assert waited == [True]  # prod's folders build in one aggregate, after dev was checked


def test_a_whole_run_builds_while_the_catalog_is_checked(tmp_path, monkeypatch):
    root = generated(tmp_path)
    building = threading.Event()
    waited = []  # for each run of the rules on what the catalog renders: builds had started
    builds_calling(monkeypatch, lambda _: building.set())
    real = repository.rendered_findings

    def rendered_findings(*args, **kwargs):
        waited.append(building.wait(timeout=BOUND))
        return real(*args, **kwargs)

    monkeypatch.setattr(repository, "rendered_findings", rendered_findings)
    assert repository.validate(Repository.at(root)).result.findings == ()
    assert waited == [True]


def test_a_run_with_a_scope_builds_only_its_folders_after_the_catalog(tmp_path, monkeypatch):
    root = generated(tmp_path)
    events = []
    builds_calling(monkeypatch, lambda folders: events.append(("build", len(folders))))
    real = repository.rendered_findings

    def rendered_findings(*args, **kwargs):
        events.append(("catalog", 0))
        return real(*args, **kwargs)

    monkeypatch.setattr(repository, "rendered_findings", rendered_findings)
    scope = Scope(frozenset({("dev", "web"), ("dev", None)}))
    validation = repository.validate(Repository.at(root), scope=scope)
    assert validation.result.findings == ()
    assert events == [("catalog", 0), ("build", 2)]


def test_a_refused_catalog_stops_the_builds_it_started(tmp_path, monkeypatch):
    root = generated(tmp_path, CLEAN)
    (root / "catalog.yaml").write_text(
        CLEAN.replace('      requests.cpu: "4"\n', '      requests.cpu: "500m"\n', 1)
    )
    started = []
    builds_calling(monkeypatch, started.append)
    threads = threading.active_count()
    validation = repository.validate(Repository.at(root))
    assert [str(f) for f in validation.result.findings] == [
        "catalog.yaml:56:7: error: in 'dev': requests.cpu 1 exceeds the quota 500m (Deployment "
        "payments-api 1+1 pods x 200m = 400m, Deployment ledger 1+1 pods x 100m = 200m, "
        "Deployment web 1+1 pods x 100m = 200m, Deployment worker 1+1 pods x 100m = 200m); lower "
        "replicas or requests, or raise the quota (quota-exceeded)"
    ]
    assert validation.built == ()
    assert started  # the builds had started with the catalog's model
    assert threading.active_count() == threads  # and no thread of theirs is left


def test_results_as_they_finish_are_those_of_a_whole_build(tmp_path):
    root = generated(tmp_path)
    folders = sorted(root.glob("overlays/*/*"))
    whole = Builder().build(root, folders)
    with Builder().start(root, folders) as running:
        prod = [f for f in folders if f.parent.name == "prod"]
        first = running.wait(prod)
        done = running.finish()
    assert [(b.folder, b.output, b.error) for b in first] == [
        (b.folder, b.output, b.error) for b in whole.builds if b.folder.parent.name == "prod"
    ]
    assert done == whole


def test_progress_counts_each_folder_once(tmp_path):
    root = generated(tmp_path)
    folders = sorted(root.glob("overlays/*/*"))
    cold, warm = [], []
    cache = Cache(tmp_path / "cache")
    Builder(cache=cache, progress=lambda *shown: cold.append(shown)).build(root, folders)
    Builder(cache=cache, progress=lambda *shown: warm.append(shown)).build(root, folders)
    total = len(folders)
    assert [done for done, _ in cold] == sorted(done for done, _ in cold)
    assert (cold[0][0], cold[-1], {t for _, t in cold}) == (0, (total, total), {total})
    assert warm == [(total, total)]  # every folder from the cache, shown once


def test_waiting_for_a_folder_nothing_builds_fails_instead_of_hanging(tmp_path):
    folders = [tmp_path / "a", tmp_path / "b"]
    running = Running(None, None, 1, tmp_path, folders, None, lambda n: None)
    with running, pytest.raises(LookupError) as raised:
        running.wait([folders[1]])
    assert str(raised.value) == f"{folders[1]} is neither built nor building"

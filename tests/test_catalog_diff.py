"""`validate --changed` judges an edit inside apps' own entries on the catalog data
(generator.gitops.catalog_diff). Held here to the comparison of the two rendered trees, the
answer it stands in for: on every golden catalog and the repository's, for edits of each
kind an app may get, the pairs it names are exactly the (env, app) folders whose generated
files differ, and an edit that reaches other apps' files is left to the comparison."""

import copy
from pathlib import Path

import pytest

from generator.catalog.load import catalog_from_text
from generator.gitops.catalog_diff import app_local_pairs
from generator.gitops.changes import _differing, pairs_of_path
from generator.render import render
from generator.yamlout import dump_all

ROOT = Path(__file__).parent.parent
CATALOGS = sorted(
    [ROOT / "catalog.yaml", *(ROOT / "tests" / "golden").glob("*/catalog.yaml")],
    key=lambda p: p.parent.name,
)


def _model(data, path):
    return catalog_from_text(dump_all([data]), path, preflight=False)


def _rendered_pairs(old, new, path):
    """The app pairs whose generated files differ between the two catalogs' trees."""
    before, after = render(_model(old, path)), render(_model(new, path))
    model = _model(new, path)
    return {
        p for f in _differing(before, after) for p in pairs_of_path(f, model) if p[1] is not None
    }


def _first_env(data, app):
    return next(iter(data["apps"][app]["environments"]))


# Edits confined to one app's entry, each as data -> data; None where it does not apply.
def _version(data, app):
    env = _first_env(data, app)
    entry = data["apps"][app]["environments"][env]
    if not isinstance(entry, dict) or "version" not in entry:
        return None
    entry["version"] = "9.9.9"
    return data


def _app_config(data, app):
    spec = data["apps"][app]
    if spec.get("chart"):
        return None
    spec["config"] = {**spec.get("config", {}), "EDITED": "yes"}
    return data


def _env_replicas(data, app):
    spec = data["apps"][app]
    env = _first_env(data, app)
    entry = spec["environments"][env]
    if spec.get("kind") in ("CronJob", "Job", "DaemonSet") or "volumes" in spec or "chart" in spec:
        return None
    if not isinstance(entry, dict) or entry.get("enabled") is False or "autoscaling" in entry:
        return None
    entry["replicas"] = 7
    return data


def _chart_values(data, app):
    spec = data["apps"][app]
    entry = spec["environments"][_first_env(data, app)]
    if "chart" not in spec or not isinstance(entry, dict):
        return None
    entry["values"] = {**entry.get("values", {}), "edited": True}
    return data


def _suppress(data, app):
    spec = data["apps"][app]
    spec["suppress"] = [*spec.get("suppress", []), {"rule": "image-tag-required", "reason": "test"}]
    return data


EDITS = [_version, _app_config, _env_replicas, _chart_values, _suppress]


def _cases():
    """Each edit on each app it applies to."""
    for path in CATALOGS:
        shown = path.relative_to(ROOT).as_posix()
        data = catalog_from_text(path.read_text(), shown, preflight=False).raw
        for app in sorted(data["apps"]):
            for edit in EDITS:
                new = edit(copy.deepcopy(data), app)
                if new is not None:
                    name = f"{path.parent.name}-{app}-{edit.__name__}"
                    yield pytest.param(shown, data, new, edit, id=name)


CASES = list(_cases())


def test_the_edits_cover_every_catalog():
    assert {c.values[0] for c in CASES} == {p.relative_to(ROOT).as_posix() for p in CATALOGS}
    assert len(CASES) > 100


@pytest.mark.parametrize(("shown", "old", "new", "edit"), CASES)
def test_an_app_local_edit_names_exactly_the_folders_it_changes(shown, old, new, edit):
    model = _model(new, shown)
    local = app_local_pairs(old, new, model)
    assert local is not None
    rendered = _rendered_pairs(old, new, shown)
    assert rendered <= local
    # An edit that changes no generated file (a suppression) still names its app: its
    # findings change.
    if edit is not _suppress:
        assert local == rendered


def test_edits_that_reach_other_apps_are_left_to_the_trees():
    shown = "tests/golden/example/catalog.yaml"
    old = catalog_from_text((ROOT / shown).read_text(), shown, preflight=False).raw
    app = sorted(old["apps"])[0]
    reaching = []
    for field, value in (("dependsOn", []), ("team", "other"), ("enabled", False)):
        new = copy.deepcopy(old)
        new["apps"][app][field] = value
        reaching.append(new)
    new = copy.deepcopy(old)
    new["apps"][app]["environments"][_first_env(old, app)]["enabled"] = False
    reaching.append(new)
    new = copy.deepcopy(old)
    new["apps"]["added"] = copy.deepcopy(old["apps"][app])
    reaching.append(new)
    new = copy.deepcopy(old)
    new["defaults"] = {**old.get("defaults", {}), "replicas": 3}
    reaching.append(new)
    model = _model(old, shown)
    assert [app_local_pairs(old, n, model) for n in reaching] == [None] * len(reaching)
    assert app_local_pairs(old, copy.deepcopy(old), model) == set()

"""Properties with Hypothesis (STYLE "Properties with Hypothesis", ARCHITECTURE §3):
every catalog the strategy draws loads with zero findings; rendering is deterministic;
`generate` on a generated tree changes nothing; permuting catalog keys changes no byte;
every overlay builds with the real Kustomize into schema-valid objects; any catalog `generate`
accepts builds with Kustomize and `validate` reports no error finding on it; the loader never
raises anything but InputError or FindingsError."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import kustomize
from generator.api import Repository, generate
from generator.catalog.build import _workload as workload_of
from generator.catalog.build import build_catalog, merge, merge_probes
from generator.catalog.load import catalog_findings, load_catalog, rendered_findings
from generator.catalog.model import Catalog
from generator.errors import FindingsError, InputError
from generator.finding import Severity
from generator.k8s.schema import default_registry
from generator.render import render
from generator.validate.repository import validate
from generator.yamlio import load_located
from tests.helpers import CATALOGS, ROOT, make_repo, snapshot
from tests.strategies import catalogs, to_yaml

FAST = settings(max_examples=30, deadline=None)
BUILDS = settings(max_examples=8, deadline=None)


@contextmanager
def repo_of(text):
    with tempfile.TemporaryDirectory() as tmp:
        yield make_repo(Path(tmp), text)


def render_text(text):
    with repo_of(text) as root:
        return render(load_catalog(root / "catalog.yaml", "catalog.yaml"))


@FAST
@given(catalogs())
def test_every_drawn_catalog_loads_with_zero_findings(catalog):
    text = to_yaml(catalog)
    doc = load_located(text, "catalog.yaml")
    assert doc.data == catalog
    assert catalog_findings(doc) == []
    # nor an error of the manifest rules on what it renders (warnings may stay)
    rendered = rendered_findings(doc, build_catalog(doc))
    assert [str(f) for f in rendered if f.severity == Severity.ERROR] == []


def workloads_the_long_way(doc):
    """Each deployment's workload made from all of its merged values, as one would by hand
    (the model makes only the fields an environment's entry sets, the rest are the app's)."""
    data = doc.data
    defaults = data.get("defaults", {})
    found = {}
    for name, spec in data["apps"].items():
        own = {k: v for k, v in spec.items() if k != "environments"}
        values = merge(defaults, own)
        values["probes"] = merge_probes(defaults.get("probes", {}), spec.get("probes", {}))
        for env in data["environments"]:
            entry = spec["environments"].get(env, {})
            merged = merge(values, entry)
            merged["probes"] = merge_probes(values["probes"], entry.get("probes", {}))
            found[name, env] = workload_of(merged)
    return found


def workloads_of(catalog):
    return {(a.name, d.environment): d.values for a in catalog.apps for d in a.deployments}


@FAST
@given(catalogs())
def test_each_deployment_has_the_workload_of_its_merged_values(catalog):
    doc = load_located(to_yaml(catalog), "catalog.yaml")
    assert workloads_of(build_catalog(doc)) == workloads_the_long_way(doc)


@pytest.mark.parametrize(
    "path",
    [
        ROOT / "catalog.yaml",
        *sorted((ROOT / "tests" / "golden").glob("*/catalog.yaml")),
        *sorted(CATALOGS.glob("*.yaml")),
    ],
    ids=lambda p: p.relative_to(ROOT).as_posix(),
)
def test_each_example_deployment_has_the_workload_of_its_merged_values(path):
    doc = load_located(path.read_text(), path.name)
    assert catalog_findings(doc) == []
    workloads = workloads_of(build_catalog(doc))
    assert workloads == workloads_the_long_way(doc)
    assert workloads  # an app in an environment at least


@FAST
@given(catalogs())
def test_rendering_is_deterministic(catalog):
    text = to_yaml(catalog)
    first = render_text(text)
    second = render_text(text)
    assert list(first) == list(second)
    assert first == second


@FAST
@given(catalogs())
def test_generate_on_a_generated_tree_changes_nothing(catalog):
    with repo_of(to_yaml(catalog)) as root:
        first = generate(Repository.at(root))
        assert first.written
        before = snapshot(root)
        again = generate(Repository.at(root))
        assert again.written is False
        assert again.plan.drift is False
        assert (again.plan.writes, again.plan.deletes) == ({}, ())
        assert again.plan.unchanged == len(first.tree)
        assert again.tree == first.tree
        assert snapshot(root) == before


def shuffled(value, rng, keep_order=False):
    """Every mapping's keys in a random order (but not `keep_order`'s); lists keep theirs."""
    if isinstance(value, dict):
        keys = list(value)
        if not keep_order:
            rng.shuffle(keys)
        return {k: shuffled(value[k], rng) for k in keys}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def permuted(catalog, rng):
    result = shuffled(catalog, rng)
    # environments are the promotion order: their order stays, their contents do not
    result["environments"] = shuffled(catalog["environments"], rng, keep_order=True)
    return result


@FAST
@given(catalogs(), st.randoms(use_true_random=False))
def test_permuting_catalog_keys_changes_no_byte(catalog, rng):
    other = permuted(catalog, rng)
    assert list(other["environments"]) == list(catalog["environments"])
    assert other == catalog  # same content, other key order
    assert render_text(to_yaml(other)) == render_text(to_yaml(catalog))


def problems_of(documents, version):
    registry = default_registry()
    return [
        (obj["kind"], obj["metadata"]["name"], problem.message)
        for obj in documents
        for problem in registry.problems(obj, version)
    ]


def config_of(catalog, app, env):
    """The ConfigMap data of (app, env): defaults < app < environment, values as strings;
    None when no environment of the app has config."""
    spec = catalog["apps"][app]
    layers = [
        catalog.get("defaults", {}).get("config", {}),
        spec.get("config", {}),
        *[values.get("config", {}) for values in spec["environments"].values()],
    ]
    if not any(layers):
        return None
    merged = {
        **layers[0],
        **layers[1],
        **spec["environments"][env].get("config", {}),
    }
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in merged.items()}


@BUILDS
@given(catalogs())
def test_every_overlay_builds_into_schema_valid_objects(catalog):
    with repo_of(to_yaml(catalog)) as root:
        result = generate(Repository.at(root))
        folders = sorted({str(Path(p).parent) for p in result.tree if p.startswith("overlays/")})
        expected = {
            f"overlays/{env}/{app}"
            for env in catalog["environments"]
            for app, spec in catalog["apps"].items()
            if spec["environments"][env].get("enabled", True)
        } | {f"overlays/{env}/_namespace" for env in catalog["environments"]}
        assert set(folders) == expected
        builds = kustomize.build_all([root / f for f in folders])
        assert [(b.folder.relative_to(root).as_posix(), b.error) for b in builds if not b.ok] == []
        invalid = []
        for folder, build in zip(folders, builds, strict=True):
            env = catalog["environments"][Path(folder).parts[1]]
            version = catalog["clusters"][env["cluster"]]["kubernetesVersion"]
            documents = [d for d in yaml.safe_load_all(build.output) if d]
            assert documents, folder
            namespaces = {d["metadata"].get("namespace", env["namespace"]) for d in documents}
            assert namespaces == {env["namespace"]}, folder
            invalid += [(folder, *p) for p in problems_of(documents, version)]
            app = Path(folder).parts[2]
            if app != "_namespace":
                config_maps = [d.get("data", {}) for d in documents if d["kind"] == "ConfigMap"]
                expected_config = config_of(catalog, app, Path(folder).parts[1])
                assert config_maps == ([expected_config] if expected_config is not None else [])
        argo = [
            d
            for path, data in result.tree.items()
            if path.startswith("argocd/")
            for d in yaml.safe_load_all(data)
            if d
        ]
        invalid += [("argocd", *p) for p in problems_of(argo, "1.31")]
        assert invalid == []


@BUILDS
@given(catalogs())
def test_any_catalog_generate_accepts_validates_without_an_error(catalog):
    with repo_of(to_yaml(catalog)) as root:
        generate(Repository.at(root))
        result = validate(Repository.at(root)).result
        errors = [str(f) for f in result.findings if f.severity == Severity.ERROR]
        assert errors == []


def mutations(text):
    lines = text.splitlines(keepends=True)
    index = st.integers(0, max(len(lines) - 1, 0))
    delete = index.map(lambda i: "".join(lines[:i] + lines[i + 1 :]))
    duplicate = index.map(lambda i: "".join(lines[: i + 1] + lines[i:]))
    truncate = st.integers(0, len(text)).map(lambda n: text[:n])
    return st.one_of(delete, duplicate, truncate)


def load_outcome(data):
    """What loading `data` gives: the model, or a user error whose report formats."""
    with repo_of(data) as root:
        try:
            return load_catalog(root / "catalog.yaml", "catalog.yaml")
        except InputError as error:
            assert str(error).startswith("catalog.yaml"), str(error)
            return error
        except FindingsError as error:
            assert error.findings
            assert all(f.path == "catalog.yaml" and f.line >= 1 for f in error.findings)
            assert str(error).startswith("catalog.yaml:")
            return error


@settings(max_examples=40, deadline=None)
@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_loader_never_raises_an_internal_error_on_any_text(text):
    assert isinstance(load_outcome(text), Catalog | InputError | FindingsError)


@settings(max_examples=40, deadline=None)
@given(catalogs().map(to_yaml).flatmap(mutations))
def test_loader_never_raises_an_internal_error_on_a_mutated_catalog(text):
    assert isinstance(load_outcome(text), Catalog | InputError | FindingsError)


@settings(max_examples=25, deadline=None)
@given(st.binary())
def test_loader_never_raises_an_internal_error_on_any_bytes(data):
    assert isinstance(load_outcome(data), Catalog | InputError | FindingsError)

"""The catalog at git revisions is read once per blob (generator.gitops.catalog_blobs): a
history whose commits share blobs parses each blob once, a run with the cache reads no
revision an earlier run read, and what it gives is what reading every revision gives.
On real git repositories."""

from __future__ import annotations

import pytest

from generator.builds import catalogs
from generator.builds.cache import Cache
from generator.gitops import catalog_blobs
from generator.gitops.promotion_history import History, read_history, revision_at
from generator.limits import CATALOG
from tests.gitrepo import commit_all, git, init


def catalog(version: str, addon: str = "1.0.0") -> str:
    return (
        "apps:\n"
        "  web:\n"
        "    environments:\n"
        f"      dev: {{version: '{version}'}}\n"
        "      prod: {version: '1.0.0', enabled: false}\n"
        "clusters:\n"
        f"  main: {{addons: {{metrics: {{version: '{addon}'}}}}}}\n"
    )


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The texts catalog_blobs parses, with its in-process memo empty at the start."""
    monkeypatch.setattr(catalog_blobs, "_MEMO", {})
    monkeypatch.setattr(catalog_blobs, "_LAST", {})
    seen: list[str] = []
    real = catalog_blobs.load_plain

    def counted(text, limits):
        seen.append(text)
        return real(text, limits)

    monkeypatch.setattr(catalog_blobs, "load_plain", counted)
    return seen


def repository(tmp_path):
    root = init(tmp_path / "repo")
    for n, (version, addon) in enumerate(
        [("1.0.0", "1.0.0"), ("1.1.0", "1.0.0"), ("1.0.0", "1.0.0"), ("1.2.0", "2.0.0")]
    ):
        (root / "catalog.yaml").write_text(catalog(version, addon))
        commit_all(root, f"catalog {n}")
        (root / "other.txt").write_text(f"{n}\n")
        commit_all(root, f"other {n}")
    return root


EXPECTED = History(
    ran={("web", "dev"): frozenset({"1.0.0", "1.1.0", "1.2.0"})},
    baseline={("web", "dev"): "1.0.0"},
    since=None,  # set from the repository
    addons_ran={("metrics", "main"): frozenset({"1.0.0", "2.0.0"})},
    addons_baseline={("metrics", "main"): "1.0.0"},
)


def test_a_blob_is_parsed_once_per_process(tmp_path, parses):
    root = repository(tmp_path)
    oldest = git(root, "rev-list", "--max-parents=0", "HEAD").strip()[:7]
    history = read_history(root / "catalog.yaml")
    assert history == History(**{**EXPECTED.__dict__, "since": oldest})
    assert parses == [catalog("1.2.0", "2.0.0"), catalog("1.0.0"), catalog("1.1.0")]
    assert revision_at(root / "catalog.yaml", "HEAD~2") == (
        {("web", "dev"): "1.0.0"},
        {("metrics", "main"): "1.0.0"},
    )
    assert len(parses) == 3  # HEAD~2's blob was read for the history


def test_a_run_with_the_cache_reads_no_revision_again(tmp_path, parses, monkeypatch):
    root = repository(tmp_path)
    cache = Cache(tmp_path / "cache")
    first = read_history(root / "catalog.yaml", "HEAD", CATALOG, cache)
    assert len(parses) == 3
    monkeypatch.setattr(catalog_blobs, "_MEMO", {})  # a new process
    monkeypatch.setattr(catalog_blobs, "_LAST", {})
    again = read_history(root / "catalog.yaml", "HEAD", CATALOG, cache)
    assert again == first and len(parses) == 3
    head = {
        "apps": {
            "web": {
                "environments": {
                    "dev": {"version": "1.2.0"},
                    "prod": {"version": "1.0.0", "enabled": False},
                }
            }
        },
        "clusters": {"main": {"addons": {"metrics": {"version": "2.0.0"}}}},
    }
    assert catalog_blobs.plain_at(root, cache, "HEAD", "catalog.yaml", CATALOG) == head
    assert len(parses) == 3  # the base's data is the parse kept for its text
    monkeypatch.setattr(catalog_blobs, "_LAST", {})

    def no_parse(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(catalogs, "load_located", no_parse)
    assert catalog_blobs.plain_at(root, cache, "HEAD", "catalog.yaml", CATALOG) == head


def test_the_base_data_is_the_parse_a_generate_kept(tmp_path, parses, monkeypatch):
    root = repository(tmp_path)
    cache = Cache(tmp_path / "cache")
    text = (root / "catalog.yaml").read_text()
    kept = catalogs.located(text, "catalog.yaml", CATALOG, cache)

    def no_parse(*args):
        raise AssertionError("parsed again")

    monkeypatch.setattr(catalogs, "load_located", no_parse)
    assert catalog_blobs.plain_at(root, cache, "HEAD", "catalog.yaml", CATALOG) == kept.data
    assert parses == []


def test_a_damaged_entry_is_read_again(tmp_path, parses, monkeypatch):
    root = repository(tmp_path)
    cache = Cache(tmp_path / "cache")
    first = read_history(root / "catalog.yaml", "HEAD", CATALOG, cache)
    for entry in (cache.folder / "v1" / "catalog-versions").rglob("*"):
        if entry.is_file():
            entry.write_text("{not json")
    monkeypatch.setattr(catalog_blobs, "_MEMO", {})
    monkeypatch.setattr(catalog_blobs, "_LAST", {})
    assert read_history(root / "catalog.yaml", "HEAD", CATALOG, cache) == first
    assert len(parses) == 6


def test_what_cannot_be_read_is_nothing(tmp_path, parses):
    root = init(tmp_path / "repo")
    (root / "catalog.yaml").write_bytes(b"apps: [unclosed\n")
    commit_all(root, "broken")
    (root / "catalog.yaml").write_bytes(b"\xff\xfe not utf-8\n")
    commit_all(root, "binary")
    assert read_history(root / "catalog.yaml") == History({}, {}, None)
    assert revision_at(root / "catalog.yaml", "HEAD") == ({}, {})
    assert catalog_blobs.plain_at(root, None, "HEAD~1", "catalog.yaml", CATALOG) is None
    assert catalog_blobs.plain_at(root, None, "HEAD", "missing.yaml", CATALOG) is None
    assert parses == ["apps: [unclosed\n"]  # the plain data too comes from the one parse

"""What was found for a catalog's text is kept in the cache: its parse
(generator.builds.catalogs), the findings of its schema and checks when none is an error,
and the findings on what it renders (generator.validate.cached.KeptCatalog). A validate
after a generate of the same text parses and checks it no more, and finds exactly what it
finds without the cache."""

from __future__ import annotations

import dataclasses
import json

import pytest

from generator.builds import catalogs
from generator.builds.cache import Cache
from generator.errors import InputError
from generator.limits import CATALOG
from generator.validate import cached, repository
from generator.yamlio import load_located
from tests.helpers import ROOT, invoke, make_repo

TEXT = (ROOT / "catalog.yaml").read_text()
# prod no longer backs up, so orders-db's backup saves nothing: a warning of the checks
WARNED = TEXT.replace("    backups: {storageLocation: prod-s3}", "", 1)
# an unknown key: an error of the schema
BROKEN = TEXT.replace("apps:\n", "apps:\n  zz: {team: nobody}\n", 1)


def never(name: str):
    def refuse(*args, **kwargs):
        raise AssertionError(f"{name} ran again")

    return refuse


def test_a_kept_parse_is_the_parse(tmp_path, monkeypatch):
    cache = Cache(tmp_path / "cache")
    first = catalogs.located(TEXT, "catalog.yaml", CATALOG, cache)
    assert first == load_located(TEXT, "catalog.yaml", CATALOG)
    monkeypatch.setattr(catalogs, "load_located", never("the parse"))
    assert catalogs.located(TEXT, "other/catalog.yaml", CATALOG, cache) == dataclasses.replace(
        first, path="other/catalog.yaml"
    )


@pytest.mark.parametrize("damage", [b"", b"\x00garbage", b"\xe9\x01\x00\x00\x00"])
def test_a_damaged_parse_is_parsed_again(tmp_path, damage):
    cache = Cache(tmp_path / "cache")
    first = catalogs.located(TEXT, "catalog.yaml", CATALOG, cache)
    [entry] = [p for p in (cache.folder / "v1" / catalogs.KIND).rglob("*") if p.is_file()]
    entry.write_bytes(damage)
    assert catalogs.located(TEXT, "catalog.yaml", CATALOG, cache) == first


def test_other_limits_are_another_entry_and_errors_are_not_kept(tmp_path):
    cache = Cache(tmp_path / "cache")
    catalogs.located(TEXT, "catalog.yaml", CATALOG, cache)
    tight = dataclasses.replace(CATALOG, keys=10)
    with pytest.raises(InputError) as refused:
        catalogs.located(TEXT, "catalog.yaml", tight, cache)
    assert "keys" in str(refused.value)
    with pytest.raises(InputError):
        catalogs.located("apps: [", "catalog.yaml", CATALOG, cache)
    assert len([p for p in (cache.folder / "v1" / catalogs.KIND).rglob("*") if p.is_file()]) == 1


def validate_json(root, cache_dir) -> tuple[int, dict]:
    done = invoke(
        "validate", "--root", str(root), "--format", "json", "--cache-dir", str(cache_dir)
    )
    return done.exit_code, json.loads(done.output)


@pytest.mark.parametrize("text", [TEXT, WARNED], ids=["clean", "warned"])
def test_validate_after_generate_checks_the_catalog_no_more(tmp_path, monkeypatch, text):
    root = make_repo(tmp_path, text)
    done = invoke("generate", "--root", str(root), "--cache-dir", str(tmp_path / "cache"))
    assert done.exit_code == 0, done.output
    expected = invoke("validate", "--root", str(root), "--format", "json", "--no-cache")
    monkeypatch.setattr(catalogs, "load_located", never("the parse"))
    monkeypatch.setattr(cached, "checked_entries", never("the schema and checks"))
    monkeypatch.setattr(repository, "rendered_findings", never("the preflight"))
    code, found = validate_json(root, tmp_path / "cache")
    assert (code, found) == (expected.exit_code, json.loads(expected.output))
    messages = [f["message"] for f in found["findings"]]
    if text is WARNED:
        assert [f["rule"] for f in found["findings"]] == ["catalog-backup"], messages
    else:
        assert found["findings"] == []


def test_a_catalog_with_errors_is_checked_every_time(tmp_path):
    cache = Cache(tmp_path / "cache")
    doc = catalogs.located(BROKEN, "catalog.yaml", CATALOG, cache)
    memo = cached.KeptCatalog(cache, BROKEN, "catalog.yaml")
    first = memo.entries(doc)
    assert [f.rule for f in first[0]] == ["catalog-schema"]
    assert not list((cache.folder / "v1").glob(f"{cached.ENTRIES}/*/*"))
    assert memo.entries(doc) == first

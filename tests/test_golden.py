"""Golden trees: each case is tests/golden/<case>/catalog.yaml and the whole expected tree.

Anything else in a case's folder (hand-owned `components/` ...) is copied into the repository
before generating and is not part of the compared tree. Missing, extra and changed files all
fail. To rewrite the goldens after an intended change, run
`GITOPSGEN_UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py` and review the diff like
code.
"""

import os
import re
import shutil

import pytest

from generator.api import Repository, generate
from tests.helpers import GOLDEN, STATE, case_repo, files_only, hand_owned_files, snapshot

CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "catalog.yaml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_golden_tree(case, tmp_path):
    root = case_repo(tmp_path, case)
    generate(Repository.at(root))
    got = files_only(snapshot(root))
    # Not the tree: the catalog, the case's hand-owned files and the writer's lock folder.
    for path in ["catalog.yaml", *hand_owned_files(case), *files_only(STATE)]:
        del got[path]
    expected_dir = GOLDEN / case / "tree"
    if os.environ.get("GITOPSGEN_UPDATE_GOLDENS") == "1":
        shutil.rmtree(expected_dir, ignore_errors=True)
        for path, data in got.items():
            (expected_dir / path).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / path).write_bytes(data)
    expected = files_only(snapshot(expected_dir))
    assert sorted(got) == sorted(expected)
    for path in expected:
        assert got[path].decode() == expected[path].decode(), path


@pytest.mark.parametrize("case", CASES)
def test_no_yaml_aliases(case):
    """A generated file never shares a node through an anchor (`&id001`) and alias."""
    aliased = [
        path
        for path, data in files_only(snapshot(GOLDEN / case / "tree")).items()
        if re.search(rb"[&*]id[0-9]{3}\b", data)
    ]
    assert aliased == []


def test_golden_cases_exist():
    assert CASES == [
        "addons",
        "batch",
        "charts",
        "components",
        "containers",
        "daemonset",
        "everything",
        "example",
        "five-environments",
        "minimal",
        "platform-shape",
        "statefulset",
    ]


def test_hand_owned_files_are_copied_and_not_compared():
    assert hand_owned_files("components") == {
        "components/api-prod/feature-flags.yaml",
        "components/api-prod/kustomization.yaml",
        "components/web-prod/affinity.yaml",
        "components/web-prod/kustomization.yaml",
        "components/web-tuning/kustomization.yaml",
    }
    assert hand_owned_files("minimal") == set()

"""Golden trees: each case is tests/golden/<case>/catalog.yaml and the whole expected tree.

Missing, extra and changed files all fail. To rewrite the goldens after an intended change,
run `GITOPSGEN_UPDATE_GOLDENS=1 python -m pytest tests/test_golden.py` and review the diff
like code.
"""

import os
import shutil

import pytest

from generator.api import Repository, generate
from tests.helpers import GOLDEN, files_only, make_repo, snapshot

CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "catalog.yaml").is_file())


@pytest.mark.parametrize("case", CASES)
def test_golden_tree(case, tmp_path):
    root = make_repo(tmp_path, GOLDEN / case / "catalog.yaml")
    generate(Repository.at(root))
    got = files_only(snapshot(root))
    del got["catalog.yaml"]
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


def test_golden_cases_exist():
    assert CASES == ["example", "five-environments", "minimal"]

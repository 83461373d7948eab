"""Test-wide settings.

Under CI (`CI=true`, as `.ci/run` runs there) Hypothesis draws the same examples every run,
so a red CI is always reproducible; locally it draws new ones each run to find new bugs.
"""

import os

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _own_cache_folder(tmp_path_factory):
    """`gitopsgen validate` in the tests caches in a folder of the test session, never the
    user's (session-scoped: Hypothesis refuses function-scoped fixtures in its tests)."""
    before = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if before is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = before

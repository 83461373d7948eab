"""Test-wide settings.

Under CI (`CI=true`, as `.ci/run` runs there) Hypothesis draws the same examples every run,
so a red CI is always reproducible; locally it draws new ones each run to find new bugs.
"""

import os
import shutil
import tempfile

import pytest
from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")


# No test reaches a chart repository (a test that pulls says so itself), and Helm's cache is
# the session's own: set when the tests are collected, as expected findings name its path.
HELM_CACHE = tempfile.mkdtemp(prefix="gitopsgen-tests-helm-")
os.environ["GITOPSGEN_OFFLINE"] = "1"
os.environ["HELM_CACHE_HOME"] = HELM_CACHE
for _name in ("HELM_CONTENT_CACHE", "HELM_REPOSITORY_CACHE"):
    os.environ.pop(_name, None)


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
    shutil.rmtree(HELM_CACHE, ignore_errors=True)

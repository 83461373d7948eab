"""Test-wide settings.

Under CI (`CI=true`, as `.ci/run` runs there) Hypothesis draws the same examples every run,
so a red CI is always reproducible; locally it draws new ones each run to find new bugs.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

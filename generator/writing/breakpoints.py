"""A test seam, and nothing else: with GITOPSGEN_TEST_BREAKPOINT=<point>[,<point>...] and
GITOPSGEN_TEST_BREAKPOINT_DIR=<folder> in its environment, a writing run that reaches one of
the points writes its pid to <folder>/<point> and waits until <folder>/<point>.go exists.
The fault tests use it to `kill -9` a real run at a known moment, or to change the disk under
it (tests/test_faults.py). Without both variables `reached` returns at once.

Points, in the order a run reaches them: `locked` (holds the repository lock), `prepared`
(journal written, nothing staged), `staging` (the first staged file exists, still empty),
`staged` (every new file staged and synced), `committed` (journal says roll forward),
`applying` (the first file replaced), `applied` (every file replaced or removed); and when a
run undoes itself after a failure, `undoing` (the first file put back).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

POINT_VARIABLE = "GITOPSGEN_TEST_BREAKPOINT"
FOLDER_VARIABLE = "GITOPSGEN_TEST_BREAKPOINT_DIR"


def reached(point: str) -> None:
    points = os.environ.get(POINT_VARIABLE, "").split(",")
    if point not in points or not os.environ.get(FOLDER_VARIABLE):
        return
    folder = Path(os.environ[FOLDER_VARIABLE])
    announce = folder / f".{point}.tmp"
    announce.write_text(f"{os.getpid()}\n")
    announce.replace(folder / point)
    while not (folder / f"{point}.go").exists():
        time.sleep(0.01)

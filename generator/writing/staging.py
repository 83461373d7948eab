"""Names of the files a writing run keeps beside its targets while it runs.

`.NAME.gitopsgen-RUN.new` holds the new bytes of NAME until they replace it;
`.NAME.gitopsgen-RUN.old` is a hard link to the NAME it replaces or removes, so the run can
be undone. Nothing else is named like them: the stray-file checks and `validate` skip them,
and the next writing run removes any a killed run left. So does it with the temporary files
of the writer before the journal (`.NAME.XXXXXXXX.tmp`) when they are empty or hold a
generated file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

RUN_ID_BYTES = 6  # 12 hex digits
_RUN_ID = re.compile(r"[0-9a-f]{12}")
_STAGED = re.compile(r"\A\..+\.gitopsgen-[0-9a-f]{12}\.(new|old)\Z", re.DOTALL)
_LEGACY = re.compile(r"\A\..+\.[a-z0-9_]{8}\.tmp\Z", re.DOTALL)  # tempfile.mkstemp's names

Kind = Literal["new", "old"]


def is_run_id(text: str) -> bool:
    return _RUN_ID.fullmatch(text) is not None


def staged(target: Path, run: str, kind: Kind) -> Path:
    return target.with_name(f".{target.name}.gitopsgen-{run}.{kind}")


def is_staged(name: str, of: str | None = None) -> bool:
    """A staged file's name (of a file named `of`, when given)."""
    return _STAGED.match(name) is not None and (of is None or name.startswith(f".{of}."))


def is_legacy_temp(name: str, of: str | None = None) -> bool:
    """Named like the old writer's temporary files; only removed when the content says so."""
    return _LEGACY.match(name) is not None and (of is None or name.startswith(f".{of}."))

"""Where the package's own data lives."""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_SOURCE_SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def schemas_dir() -> Traversable:
    """`schemas/` of the repository: read in place from a source checkout (editable
    install, tests), and from the package (`generator.schemas`) in a wheel install."""
    if _SOURCE_SCHEMAS.is_dir() and (_SOURCE_SCHEMAS.parent / "pyproject.toml").is_file():
        return _SOURCE_SCHEMAS
    return files("generator.schemas")

"""Reporters: pure functions from a `Result` to the text a command prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import import_module

from generator.result import Result

Reporter = Callable[[Result], str]

# Each format's module, imported when a run prints in that format (a run prints one).
REPORTERS: dict[str, str] = {
    "text": "generator.report.text",
    "json": "generator.report.json",
    "sarif": "generator.report.sarif",
    "github": "generator.report.github",
    "junit": "generator.report.junit",
}
FORMATS: tuple[str, ...] = tuple(REPORTERS)


def default_format(environ: Mapping[str, str]) -> str:
    """`github` inside a GitHub Actions job (`GITHUB_ACTIONS=true`), else `text`."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def reporter(fmt: str) -> Reporter:
    found: Reporter = import_module(REPORTERS[fmt]).report
    return found


def render(result: Result, fmt: str) -> str:
    return reporter(fmt)(result)

"""Reporters: pure functions from a `Result` to the text a command prints."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from generator.report import github, json, junit, sarif, text
from generator.result import Result

Reporter = Callable[[Result], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json.report,
    "sarif": sarif.report,
    "github": github.report,
    "junit": junit.report,
}
FORMATS: tuple[str, ...] = tuple(REPORTERS)


def default_format(environ: Mapping[str, str]) -> str:
    """`github` inside a GitHub Actions job (`GITHUB_ACTIONS=true`), else `text`."""
    return "github" if environ.get("GITHUB_ACTIONS") == "true" else "text"


def render(result: Result, fmt: str) -> str:
    return REPORTERS[fmt](result)

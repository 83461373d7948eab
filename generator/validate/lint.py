"""The lint API: run the manifest rules over Kubernetes YAML files and directories.

Every path is read before anything is reported. When any input cannot be read (a missing
path, a FIFO or device, bytes that are not UTF-8, YAML that does not parse, duplicate or
non-string keys, an input limit crossed, see generator.limits)
the run raises `UnreadableInputError` naming every such file with its position (exit 2);
rules only run when all input was read, so a result never silently covers part of it.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from generator.errors import InputError
from generator.finding import Finding, Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest
from generator.manifest_yaml import load_manifests
from generator.result import Result
from generator.rule import ManifestRule, RuleContext
from generator.rules import MANIFEST_RULES
from generator.textfile import read_text

SUFFIXES = (".yaml", ".yml")
# Kustomize's own files (Kustomization, Component) configure a build; they are not objects.
KUSTOMIZE_API_GROUP = "kustomize.config.k8s.io/"


class UnreadableInputError(InputError):
    """Several inputs could not be read; `str()` gives one `path:line:col: error:` line each."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(errors[0].message, errors[0].position)
        self.errors = tuple(errors)

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def _walk(folder: Path) -> list[Path]:
    """`*.yaml`/`*.yml` under `folder`, sorted; hidden entries and symlinked folders skipped."""
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        found += [Path(root, n) for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]
    return sorted(found)


def expand(paths: Sequence[Path]) -> list[str]:
    """Files to read, as given, in first-seen order (a folder: its YAML files, recursively,
    sorted); what is not a folder is read as a file, and the reader says why it cannot be."""
    files: dict[str, None] = {}
    for path in paths:
        if path.is_dir():
            files.update(dict.fromkeys(p.as_posix() for p in _walk(path)))
        else:
            files[path.as_posix()] = None
    return list(files)


def read_manifests(
    path: str, limits: Limits = MANIFESTS, shown: str | None = None
) -> list[Manifest]:
    """The manifests of the file at `path`, positions (and errors) named after `shown`."""
    shown = shown or path
    return load_manifests(read_text(Path(path), shown, "check the path", limits), shown, limits)


def run_rules(
    manifests: Sequence[Manifest], ctx: RuleContext, rules: Iterable[ManifestRule]
) -> tuple[list[Finding], list[ManifestRule]]:
    in_force = [entry for entry in rules if entry.applies(ctx)]
    findings = [f for entry in in_force for f in entry.check(manifests, ctx)]
    return findings, in_force


def lint(
    paths: Sequence[Path],
    ctx: RuleContext,
    rules: Sequence[ManifestRule] = MANIFEST_RULES,
    limits: Limits = MANIFESTS,
) -> Result:
    """Run every rule in `rules` that applies to `ctx` over all manifests under `paths`.

    Findings carry paths as given (relative stays relative). Raises `UnreadableInputError`
    (an `InputError`, exit 2) listing every input that cannot be read (within `limits`).
    """
    files = expand(paths)
    errors: list[InputError] = []
    manifests: list[Manifest] = []
    for path in files:
        try:
            manifests.extend(read_manifests(path, limits))
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise UnreadableInputError(sorted(errors, key=lambda e: e.position or Position("")))
    objects = [m for m in manifests if not m.api_version.startswith(KUSTOMIZE_API_GROUP)]
    findings, in_force = run_rules(objects, ctx, rules)
    return Result(tuple(findings), len(files), tuple(entry.rule for entry in in_force))

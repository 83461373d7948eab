"""The lint API: run the manifest rules over Kubernetes YAML files and directories, and
over what Helm charts among them render to (generator.validate.lint_charts).

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

from generator.errors import InputError, UsageError
from generator.finding import Finding, Position
from generator.limits import MANIFESTS, Limits
from generator.manifest import Manifest
from generator.manifest_yaml import load_manifests
from generator.result import Result
from generator.rule import ManifestRule, RuleContext
from generator.rules import MANIFEST_RULES
from generator.textfile import read_text
from generator.validate.lint_charts import ChartOptions, chart_manifests, is_chart, read_values

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


def _walk(folder: Path) -> tuple[list[Path], list[Path]]:
    """`*.yaml`/`*.yml` under `folder`, and the chart folders (with Chart.yaml) under it,
    whose files are not read as objects; each sorted, hidden entries and symlinked folders
    skipped."""
    found: list[Path] = []
    charts: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for d in list(dirs):
            if is_chart(Path(root, d)):
                charts.append(Path(root, d))
                dirs.remove(d)
        found += [Path(root, n) for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]
    return sorted(found), sorted(charts)


def expand(paths: Sequence[Path]) -> list[str]:
    """Files to read, as given, in first-seen order (a folder: its YAML files, recursively,
    sorted); what is not a folder is read as a file, and the reader says why it cannot be."""
    return _expand(paths)[0]


def _expand(paths: Sequence[Path]) -> tuple[list[str], list[Path]]:
    """`expand`, and the charts among the paths and under the folders, in first-seen order."""
    files: dict[str, None] = {}
    charts: dict[Path, None] = {}
    for path in paths:
        if is_chart(path):
            charts[path] = None
        elif path.is_dir():
            found, inside = _walk(path)
            files.update(dict.fromkeys(p.as_posix() for p in found))
            charts.update(dict.fromkeys(inside))
        else:
            files[path.as_posix()] = None
    return list(files), list(charts)


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
    charts: ChartOptions | None = None,
) -> Result:
    """Run every rule in `rules` that applies to `ctx` over all manifests under `paths`, and
    over what each chart among them renders to with `charts` (values, namespace).

    Findings carry paths as given (relative stays relative). Raises `UnreadableInputError`
    (an `InputError`, exit 2) listing every input that cannot be read (within `limits`),
    and every chart Helm cannot render; a UsageError when `charts` has values but no path
    is a chart.
    """
    options = charts or ChartOptions()
    files, found = _expand(paths)
    if options.values and not found:
        raise UsageError("--values is for Helm charts, and none of the paths is a chart")
    manifests: list[Manifest] = []
    values, errors = read_values(options.values, limits) if found else ({}, [])
    complete = not errors  # the charts are not rendered without all their values
    for path in files:
        try:
            manifests.extend(read_manifests(path, limits))
        except InputError as exc:
            errors.append(exc)
    for chart in found if complete else ():
        try:
            manifests.extend(
                chart_manifests(chart, values, options, ctx.kubernetes_version, limits)
            )
        except InputError as exc:
            errors.append(exc)
    if errors:
        raise UnreadableInputError(sorted(errors, key=lambda e: e.position or Position("")))
    objects = [m for m in manifests if not m.api_version.startswith(KUSTOMIZE_API_GROUP)]
    findings, in_force = run_rules(objects, ctx, rules)
    return Result(tuple(findings), len(files) + len(found), tuple(entry.rule for entry in in_force))

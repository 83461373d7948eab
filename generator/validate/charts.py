"""The Helm stage of `validate`: every chart app (per environment) and add-on rendered with
real Helm, as folders of objects the rules check like a built overlay.

A chart app's render joins its environment's objects (the environment's rules, with its
guardrails beside it, quota and network included); an add-on's is checked alone with the
rules for add-ons (generator.rules.chart). Findings point at the catalog entry that rendered
the objects. A chart that cannot be obtained is one `chart-unavailable` warning per chart
and version; a render Helm refuses is a `chart-render` error.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from generator import helm
from generator.builds import keys
from generator.builds.cache import Cache
from generator.catalog.model import Catalog
from generator.charts.archive import ChartFiles
from generator.charts.locate import Charts, Unavailable
from generator.charts.render import render_chart
from generator.charts.targets import ChartTarget, api_versions, chart_targets
from generator.charts.values import combined, read_value_file
from generator.errors import GitopsgenError
from generator.finding import Finding
from generator.limits import MANIFESTS, Limits
from generator.rule import ManifestRule, RuleContext
from generator.rules.chart import RENDER, UNAVAILABLE, addon_rules
from generator.validate import cached
from generator.validate.built import BUILT, BuiltFolder, chart_finding, numbered
from generator.validate.lint import run_rules
from generator.validate.shard import Shard


@dataclass
class ChartRenders:
    folders: list[BuiltFolder] = field(default_factory=list)  # what rendered, in target order
    keys: dict[str, str] = field(default_factory=dict)  # folder -> its render's key
    findings: list[Finding] = field(default_factory=list)  # chart-unavailable, chart-render

    def of_environment(self, env: str) -> list[BuiltFolder]:
        return [f for f in self.folders if f.chart is not None and f.chart.environment == env]

    @property
    def addons(self) -> list[BuiltFolder]:
        return [f for f in self.folders if f.chart is not None and f.chart.addon]


def render_targets(
    root: Path,
    targets: Sequence[ChartTarget],
    charts: Charts,
    cache: Cache | None,
    limits: Limits = MANIFESTS,
) -> ChartRenders:
    """Render each target (its chart looked for once per chart and version)."""
    done = ChartRenders()
    missing: dict[tuple[str, str, str], list[ChartTarget]] = {}
    for target in targets:
        found = charts.get(target.chart, target.version)
        if isinstance(found, Unavailable):
            missing.setdefault((target.chart.repo_url, target.chart.name, target.version), [])
            missing[(target.chart.repo_url, target.chart.name, target.version)].append(target)
            continue
        _render(root, target, found, cache, limits, done)
    for group in missing.values():
        found = charts.get(group[0].chart, group[0].version)
        assert isinstance(found, Unavailable)
        done.findings.append(_unavailable(found, group))
    return done


def _render(
    root: Path,
    target: ChartTarget,
    files: ChartFiles,
    cache: Cache | None,
    limits: Limits,
    done: ChartRenders,
) -> None:
    where = target.environment or f"cluster {target.cluster}"
    try:
        value_files = [read_value_file(root, path, limits) for path in target.value_files]
    except GitopsgenError as exc:
        done.findings.append(
            RENDER.finding(
                f"chart {target.chart.name} {target.version} is not rendered for {where}: "
                f"{exc.message}",
                target.files_entry,
                environment=target.environment,
            )
        )
        return
    request = helm.RenderRequest(
        target.release, target.namespace, target.kube_version, api_versions()
    )
    try:
        rendered = render_chart(
            files,
            combined(value_files, target.values),
            request,
            target.folder + BUILT,
            cache,
            limits,
        )
    except GitopsgenError as exc:
        done.findings.append(
            RENDER.finding(
                f"Helm cannot render chart {target.chart.name} {target.version} for {where}: "
                f"{exc.message}; values: {target.values_chain()}",
                target.entry,
                environment=target.environment,
            )
        )
        return
    folder = BuiltFolder(
        target.folder,
        target.environment or "",
        target.name,
        numbered(rendered.manifests),
        chart=target,
        templates=rendered.templates,
        sources=rendered.sources,
    )
    done.folders.append(folder)
    # Value files are read again each run, so a changed one changes the key.
    digest = keys.Digest("chart-folder").add(rendered.key)
    for file in value_files:
        digest.add(file.path).add(file.text)
    done.keys[target.folder] = digest.hexdigest()


def _unavailable(found: Unavailable, targets: list[ChartTarget]) -> Finding:
    first = targets[0]
    where = ", ".join(t.environment or f"cluster {t.cluster}" for t in targets)
    chart = found.chart
    return UNAVAILABLE.finding(
        f"chart {chart.name} {found.version} ({chart.repo_url}) cannot be obtained: {found}; "
        f"its objects are not checked ({where}); add charts/{chart.name}-{found.version}.tgz "
        f"(helm pull), or run where the chart repository can be reached",
        first.version_entry,
        environment=first.environment,
    )


def wanted_targets(
    catalog: Catalog,
    scope: frozenset[tuple[str, str | None]] | None,
    shard: Shard | None,
) -> list[ChartTarget]:
    """The renders this run checks: chart apps in `scope` (None: all) and owned by `shard`
    (an app's renders go with its shard), add-ons in shard 1 (they are global)."""
    found = []
    for target in chart_targets(catalog):
        if target.addon:
            keep = shard is None or shard.owns(None)
        else:
            keep = (scope is None or (target.environment, target.name) in scope) and (
                shard is None or shard.owns(target.name)
            )
        if keep:
            found.append(target)
    return found


def addon_context(catalog: Catalog, target: ChartTarget) -> RuleContext:
    return RuleContext(
        kubernetes_version=catalog.cluster(target.cluster).kubernetes_version,
        namespace=target.namespace,
    )


def check_addons(
    catalog: Catalog,
    folders: Iterable[BuiltFolder],
    rules: Sequence[ManifestRule],
    render_keys: dict[str, str],
    cache: Cache | None,
    catalog_key: str | None,
) -> cached.Checked:
    """The add-on rules on each add-on's render, alone; findings at its catalog entry."""
    in_force = addon_rules(rules)
    findings: list[Finding] = []
    used: dict[str, ManifestRule] = {}
    for folder in folders:
        assert folder.chart is not None
        ctx = addon_context(catalog, folder.chart)
        rule_set = keys.rules_key(in_force)
        key = (
            None
            if catalog_key is None or rule_set is None
            else keys.Digest("addon")
            .add(catalog_key)
            .add(render_keys[folder.folder])
            .add(rule_set)
            .hexdigest()
        )
        found, here = cached.checked(
            cache, key, in_force, partial(_check_addon, folder, ctx, in_force)
        )
        findings += found
        used.update({r.rule.id: r for r in here})
    return findings, list(used.values())


def _check_addon(
    folder: BuiltFolder, ctx: RuleContext, rules: Sequence[ManifestRule]
) -> cached.Checked:
    found, in_force = run_rules(folder.manifests, ctx, rules)
    index = {pos: (m, node) for m in folder.manifests for node, pos in m.positions.items()}
    mapped = [
        replace(chart_finding(f, folder, index.get((f.line, f.column))), environment=None)
        for f in found
    ]
    return mapped, in_force

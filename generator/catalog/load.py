"""Read catalog.yaml: bytes -> YAML with positions -> schema -> checks -> model.

Unreadable input raises InputError (exit 2); a catalog that parses but is invalid raises
FindingsError with every finding (exit 1). Apps with errors are set aside so the rest is
still checked (`set_aside`); an invalid catalog gives no model, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from generator import textfile
from generator.catalog import (
    access_checks,
    backup_checks,
    chart_checks,
    checks,
    component_checks,
    container_checks,
    graph,
    kind_checks,
    promotion_checks,
    rules,
    secret_checks,
    suppressions,
    url_checks,
    value_checks,
    value_file_checks,
    workload_checks,
)
from generator.catalog.build import build_catalog
from generator.catalog.model import Catalog
from generator.catalog.schema import schema_findings
from generator.catalog.set_aside import references_to, set_aside
from generator.errors import FindingsError
from generator.finding import Finding, Position, has_errors, sorted_findings
from generator.limits import CATALOG, Limits
from generator.yamlio import Located, load_located

if TYPE_CHECKING:  # the preflight sits above the loader (see rendered_findings)
    from generator.validate.clean import CleanMemo

# What kind of app each is (an image or a chart app, with the fields that fit it): an app
# these refuse is set aside before the other checks, which judge fields it should not have.
SHAPE_CHECKS: tuple[checks.Check, ...] = (
    chart_checks.check_image_or_chart,
    chart_checks.check_chart_fields,
)
CHECKS: tuple[checks.Check, ...] = (
    checks.check_names,
    checks.check_references,
    checks.check_environments_listed,
    checks.check_versions,
    checks.check_secrets,
    checks.check_secret_stores,
    workload_checks.check_probes,
    workload_checks.check_ports,
    workload_checks.check_port_conflicts,
    workload_checks.check_service_ports,
    workload_checks.check_port_references,
    workload_checks.check_autoscaling,
    kind_checks.check_kinds,
    container_checks.check_port_names,
    container_checks.check_env,
    container_checks.check_volumes,
    container_checks.check_containers,
    container_checks.check_labels,
    container_checks.check_egress,
    component_checks.check_components,
    suppressions.check_suppressions,
    graph.check_cycles,
    promotion_checks.check_promotes_from,
    graph.check_dependencies_enabled,
    graph.check_hosts,
    graph.check_name_collisions,
    url_checks.check_urls,
    access_checks.check_namespaces,
    access_checks.check_identities,
    value_checks.check_system_paths,
    value_checks.check_config_values,
    secret_checks.check_secret_prefixes,
    secret_checks.check_secret_keys,
    chart_checks.check_chart_versions,
    chart_checks.check_addon_names,
    chart_checks.check_addon_namespaces,
    value_file_checks.check_value_files,
    backup_checks.check_backups,
)

RenderedCheck = Callable[[Located, Catalog], list[Finding]]
Entries = tuple[list[Finding], list[Finding], Located | None]


def read_text(path: Path, shown: str, limits: Limits = CATALOG) -> str:
    """The catalog's text, or InputError saying why it cannot be read."""
    return textfile.read_text(path, shown, "create it, or pass --catalog PATH", limits)


def catalog_findings(doc: Located) -> list[Finding]:
    """Every finding on a parsed catalog from the schema and the checks (not the rendered
    objects): an app whose entry breaks the schema is set aside, and the rest of the catalog
    still gets its checks, so independent problems show in one run."""
    schema, checks, _ = checked_entries(doc)
    return sorted_findings(schema + checks)


def checked_entries(doc: Located) -> Entries:
    """The schema's findings, the checks' findings, and the catalog the checks ran on (the
    apps the schema refuses set aside); None when the schema's errors leave nothing that can
    be checked on its own."""
    if doc.data is None:
        empty = rules.SCHEMA.finding(
            "the catalog is empty; write at least apiVersion: gitopsgen/v1, kind: Catalog, "
            "repository, clusters, teams, environments and apps",
            Position(doc.path),
        )
        return [empty], [], None
    schema = schema_findings(doc)
    usable, aside = set_aside(doc, schema)
    if usable is None:
        return schema, [], None
    shape = [f for check in SHAPE_CHECKS for f in check(usable)]
    shaped, misshapen = set_aside(usable, shape)
    if shaped is None:
        return schema, shape, None
    found = _once_per_place(shape + [f for check in CHECKS for f in check(shaped)])
    hidden = references_to(usable, aside | misshapen)
    return schema, [f for f in found if f.position not in hidden], shaped


def _once_per_place(found: list[Finding]) -> list[Finding]:
    """One finding per rule and catalog node: a value written once (at the app or in the
    defaults) that is wrong in several environments is reported once."""
    first: dict[tuple[str, Position], Finding] = {}
    for finding in sorted_findings(found):
        first.setdefault((finding.rule, finding.position), finding)
    return list(first.values())


def load_catalog(
    path: Path, shown: str | None = None, root: Path | None = None, limits: Limits = CATALOG
) -> Catalog:
    """The catalog model; raises InputError or FindingsError. With the repository `root`, the
    folders the catalog names (components) are checked too."""
    shown = shown or str(path)
    return catalog_from_text(read_text(path, shown, limits), shown, root, limits)


def catalog_from_text(
    text: str,
    shown: str,
    root: Path | None = None,
    limits: Limits = CATALOG,
    preflight: bool = True,
    clean: CleanMemo | None = None,
    memo: CatalogMemo | None = None,
    rendered_check: RenderedCheck | None = None,
) -> Catalog:
    """The catalog model from a catalog's text (e.g. read from git); raises InputError or
    FindingsError, positions named after `shown`. Without `preflight` the manifest rules do
    not run on what it renders (a catalog at an older revision, only rendered to compare);
    `clean` remembers the environments that passed them, and `rendered_check` runs them in
    place of rendered_findings (generate's, beside its render). `memo` gives what was found
    for the same text before (generator.validate.cached)."""
    if not preflight:
        rendered_check = None
    elif rendered_check is None:
        rendered_check = partial(rendered_findings, clean=clean)
    _, checked = checked_text(text, shown, root, limits, rendered_check, memo)
    if checked.catalog is None:
        raise FindingsError(checked.all)
    return checked.catalog


def _no_findings(doc: Located, catalog: Catalog) -> list[Finding]:
    return []


@dataclass(frozen=True)
class Checked:
    """What loading found: the catalog's own findings, those on what it renders, and the
    model when none of them is an error."""

    findings: list[Finding]  # schema, checks and components
    rendered: list[Finding]  # the manifest rules on the rendered objects
    catalog: Catalog | None

    @property
    def all(self) -> list[Finding]:
        """What a refused catalog reports: its own findings, and the rendered ones when they
        hold an error (their warnings alone are validate's to report, on the built files)."""
        shown = self.rendered if has_errors(self.rendered) else []
        return sorted_findings(self.findings + shown)


class CatalogMemo(Protocol):
    """What was found for a catalog's text before (generator.validate.cached)."""

    def located(self, text: str, shown: str, limits: Limits) -> Located: ...

    def entries(self, doc: Located) -> Entries: ...

    def rendered(self, check: RenderedCheck) -> RenderedCheck: ...


def checked_text(
    text: str,
    shown: str,
    root: Path | None,
    limits: Limits,
    rendered_check: RenderedCheck | None,
    memo: CatalogMemo | None = None,
) -> tuple[Located, Checked]:
    """The parsed catalog `text` and checked_catalog's findings on it; `rendered_check` None
    runs no manifest rule on what it renders. With `memo`, what was found for the same text
    before is not computed again."""
    if memo is None:
        doc = load_located(text, shown, limits)
        return doc, checked_catalog(doc, root, rendered_check or _no_findings)
    doc = memo.located(text, shown, limits)
    rendered = _no_findings if rendered_check is None else memo.rendered(rendered_check)
    return doc, checked_catalog(doc, root, rendered, memo.entries)


def checked_catalog(
    doc: Located,
    root: Path | None = None,
    rendered_check: RenderedCheck | None = None,
    entries_check: Callable[[Located], Entries] | None = None,
) -> Checked:
    """Every finding on a parsed catalog, in one pass where the stages are independent: the
    schema, the checks (on the apps the schema accepts; `entries_check`, by default
    checked_entries), the components on disk (with the repository `root`) and the manifest
    rules on what the checked part renders (`rendered_check`, by default
    rendered_findings; validate and generate pass cached ones)."""
    schema, checks, usable = (entries_check or checked_entries)(doc)
    if usable is not None and root is not None and not has_errors(checks):
        checks += component_checks.component_findings(usable, root)
        checks += value_file_checks.value_file_findings(usable, root)
    found = sorted_findings(schema + checks)
    # The apps the checks refuse are set aside too; what is left is rendered and checked.
    renderable = None if usable is None else set_aside(usable, checks)[0]
    if renderable is None:
        return Checked(found, [], None)
    catalog = build_catalog(renderable)
    rendered = (rendered_check or rendered_findings)(renderable, catalog)
    return Checked(found, rendered, None if has_errors(found + rendered) else catalog)


def rendered_findings(
    doc: Located, catalog: Catalog, clean: CleanMemo | None = None
) -> list[Finding]:
    """The manifest rules' findings on what the catalog renders (validate/preflight.py)."""
    # The rules sit above the loader: import them when the check runs.
    from generator.validate.preflight import preflight_findings

    return sorted_findings(preflight_findings(doc, catalog, clean=clean))

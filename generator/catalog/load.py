"""Read catalog.yaml: bytes -> YAML with positions -> schema -> checks -> model.

Unreadable input raises InputError (exit 2); a catalog that parses but is invalid raises
FindingsError with every finding (exit 1). Nothing is rendered from an invalid catalog.
"""

from __future__ import annotations

from pathlib import Path

from generator import textfile
from generator.catalog import (
    access_checks,
    checks,
    component_checks,
    container_checks,
    graph,
    kind_checks,
    rules,
    secret_checks,
    suppressions,
    url_checks,
    value_checks,
    workload_checks,
)
from generator.catalog.build import build_catalog
from generator.catalog.model import Catalog
from generator.catalog.schema import schema_findings
from generator.errors import FindingsError
from generator.finding import Finding, Position, has_errors, sorted_findings
from generator.limits import CATALOG, Limits
from generator.yamlio import Located, load_located

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
)


def read_text(path: Path, shown: str, limits: Limits = CATALOG) -> str:
    """The catalog's text, or InputError saying why it cannot be read."""
    return textfile.read_text(path, shown, "create it, or pass --catalog PATH", limits)


def catalog_findings(doc: Located) -> list[Finding]:
    """Every finding on a parsed catalog: schema first; the checks only on a schema-valid one."""
    if doc.data is None:
        return [
            rules.SCHEMA.finding(
                "the catalog is empty; write at least apiVersion: gitopsgen/v1, kind: Catalog, "
                "repository, clusters, teams, environments and apps",
                Position(doc.path),
            )
        ]
    found = schema_findings(doc)
    if found:
        return sorted_findings(found)
    return _once_per_place([f for check in CHECKS for f in check(doc)])


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
    text: str, shown: str, root: Path | None = None, limits: Limits = CATALOG
) -> Catalog:
    """The catalog model from a catalog's text (e.g. read from git); raises InputError or
    FindingsError, positions named after `shown`."""
    doc = load_located(text, shown, limits)
    found = catalog_findings(doc)
    if root is not None and not has_errors(found):
        found = sorted_findings(found + component_checks.component_findings(doc, root))
    if has_errors(found):
        raise FindingsError(found)
    catalog = build_catalog(doc)
    found = rendered_findings(doc, catalog)
    if has_errors(found):
        raise FindingsError(found)
    return catalog


def rendered_findings(doc: Located, catalog: Catalog) -> list[Finding]:
    """The manifest rules' findings on what the catalog renders (validate/preflight.py)."""
    # The rules sit above the loader: import them when the check runs.
    from generator.validate.preflight import preflight_findings

    return sorted_findings(preflight_findings(doc, catalog))

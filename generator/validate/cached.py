"""Findings kept in the cache (generator.builds.cache) under the key of what they were
computed from, so a warm `validate` of an unchanged repository runs no rule twice: those of
what the catalog renders, of each environment's built objects, and of the Argo CD objects."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from generator.builds import catalogs, keys
from generator.builds.cache import Cache
from generator.catalog.load import Entries, RenderedCheck, checked_entries
from generator.catalog.model import Catalog
from generator.finding import Finding, Position, Resource, Severity, has_errors
from generator.limits import Limits
from generator.rule import ManifestRule
from generator.yamlio import Located

FINDINGS = "findings"

Checked = tuple[list[Finding], list[ManifestRule]]  # findings, and the rules in force


def rendered_key(catalog: str | None, rendered: Catalog) -> str | None:
    """The key of the findings on what the catalog renders: the catalog key and the apps
    rendered (an app the component checks set aside, which read files on disk, is not)."""
    if catalog is None:
        return None
    return (
        keys.Digest("rendered")
        .add(catalog)
        .add("\0".join(a.name for a in rendered.apps))
        .hexdigest()
    )


def environment_key(
    catalog: str | None,
    environment: str,
    folders: Sequence[tuple[str, str | None]],
    rules: Sequence[ManifestRule],
    beside: Sequence[tuple[str, str | None]] = (),
) -> str | None:
    """The key of an environment's findings: the catalog key, the environment, the build
    key of each of its folders in order (None for a failed build: it may not fail again),
    the same of the folders read beside them but not reported, and the rule set; None when
    one is unknown."""
    rule_set = keys.rules_key(rules)
    every = [*folders, *beside]
    if catalog is None or rule_set is None or any(key is None for _, key in every):
        return None
    digest = keys.Digest("environment").add(catalog).add(environment).add(rule_set)
    for folder, key in folders:
        digest.add(folder).add(key or "")
    for folder, key in beside:
        digest.add("beside").add(folder).add(key or "")
    return digest.hexdigest()


def argocd_key(
    catalog: str | None,
    files: str | None,
    paths: Sequence[tuple[str, str | None]],
    rules: Sequence[ManifestRule],
    only: set[str] | None,
    shard: str = "",
) -> str | None:
    """The key of the Argo CD findings: the catalog key, the digest of the files that hold
    Argo CD objects and of what each directory source's folder lists
    (generator.validate.argocd_files), what each source path built (its build key; ""
    where it does not exist; None for a failed build), the rules, the paths in scope and
    the shard (`K/N`, "" for none)."""
    rule_set = keys.rules_key(rules)
    if catalog is None or files is None or rule_set is None:
        return None
    if any(key is None for _, key in paths):
        return None
    digest = keys.Digest("argocd").add(catalog).add(rule_set).add(shard).add(files)
    digest.add("\0".join(sorted(only)) if only is not None else "\0all")
    for path, key in paths:
        digest.add(path).add(key or "")
    return digest.hexdigest()


def checked(
    cache: Cache | None,
    key: str | None,
    rules: Sequence[ManifestRule],
    compute: Callable[[], Checked],
) -> Checked:
    """`compute()`, or what it returned for the same key before."""
    if cache is None or key is None:
        return compute()
    text = cache.get(FINDINGS, key)
    if text is not None:
        try:
            data = json.loads(text)
            by_id = {r.rule.id: r for r in rules}
            return [finding_of(f) for f in data["findings"]], [by_id[i] for i in data["rules"]]
        except (ValueError, KeyError, TypeError):
            pass  # an entry of another shape: compute it again
    found, in_force = compute()
    entry = {"findings": [finding_data(f) for f in found], "rules": [r.rule.id for r in in_force]}
    cache.put(FINDINGS, key, json.dumps(entry))
    return found, in_force


def findings(
    cache: Cache | None, key: str | None, compute: Callable[[], list[Finding]]
) -> list[Finding]:
    return checked(cache, key, (), lambda: (compute(), []))[0]


def finding_data(f: Finding) -> dict[str, Any]:
    resource = f.resource
    return {
        "rule": f.rule,
        "severity": f.severity.value,
        "message": f.message,
        "position": [f.path, f.line, f.column],
        "resource": None
        if resource is None
        else [resource.kind, resource.name, resource.namespace],
        "environment": f.environment,
    }


def finding_of(data: dict[str, Any]) -> Finding:
    resource = data["resource"]
    return Finding(
        rule=data["rule"],
        severity=Severity(data["severity"]),
        message=data["message"],
        position=Position(*data["position"]),
        resource=None if resource is None else Resource(*resource),
        environment=data["environment"],
    )


ENTRIES = "catalog-entries"


class KeptCatalog:
    """What was found for the catalog `text` before (generator.catalog.load.CatalogMemo):
    its parse (generator.builds.catalogs), the findings of its schema and checks when none
    is an error (then no app is set aside, and the catalog checked is the one parsed), and
    the findings on what it renders. `generate` and `validate` share the entries, so a
    validate after a generate of the same text checks neither again."""

    def __init__(self, cache: Cache, text: str, shown: str) -> None:
        self.cache = cache
        self.key = keys.Digest("catalog").add(keys.tool()).add(shown).add(text).hexdigest()

    def located(self, text: str, shown: str, limits: Limits) -> Located:
        return catalogs.located(text, shown, limits, self.cache)

    def entries(self, doc: Located) -> Entries:
        key = keys.Digest(ENTRIES).add(self.key).hexdigest()
        text = self.cache.get(ENTRIES, key)
        if text is not None:
            try:
                kept = json.loads(text)
                return (
                    [finding_of(f) for f in kept["schema"]],
                    [finding_of(f) for f in kept["checks"]],
                    doc,
                )
            except (ValueError, KeyError, TypeError):
                pass  # an entry of another shape: check again
        schema, checks, usable = checked_entries(doc)
        if usable is doc and not has_errors(schema + checks):
            kept = {
                "schema": [finding_data(f) for f in schema],
                "checks": [finding_data(f) for f in checks],
            }
            self.cache.put(ENTRIES, key, json.dumps(kept))
        return schema, checks, usable

    def rendered(self, check: RenderedCheck) -> RenderedCheck:
        def kept(renderable: Located, model: Catalog) -> list[Finding]:
            key = rendered_key(self.key, model)
            return findings(self.cache, key, lambda: check(renderable, model))

        return kept

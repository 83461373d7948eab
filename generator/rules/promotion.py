"""`promotion-` rules: what runs in an environment ran first in every environment it promotes
from ("what passes in staging runs in prod"), checked offline from the git history of
catalog.yaml. The sources are the environment's `promotesFrom` (by default the environment
before it), so the order may be a DAG (`generator.catalog.promotion_order`). The add-ons'
along the clusters: `promotion_addons`; the rules' data: `promotion_rules`.

Their examples are catalogs with a history: `generator/rules/examples/<id>/history/*.yaml`
(the committed revisions, oldest first) and `fail.yaml` / `pass.yaml` (the working catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from generator.builds.cache import Cache
from generator.catalog.model import App, Catalog, Deployment, Environment
from generator.catalog.promotion_order import app_sources, names
from generator.finding import Finding
from generator.gitops.promotion_history import (
    History,
    Key,
    read_history,
    revision_at,
)
from generator.limits import CATALOG, Limits
from generator.rules.promotion_addons import check_addon_promotion
from generator.rules.promotion_rules import (
    ADDON_ORDER,
    HOTFIX,
    ORDER,
    PROMOTION_RULES,
    versions_match,
)
from generator.yamlio import Located

__all__ = ["ADDON_ORDER", "HOTFIX", "ORDER", "PROMOTION_RULES", "promotion_findings"]
__all__ += ["check_promotion", "versions_match"]


def _suppressed(app: App, finding: Finding) -> bool:
    return any(
        s.rule == finding.rule and (not s.environments or finding.environment in s.environments)
        for s in app.suppressions
    )


def check_promotion(
    catalog: Catalog, doc: Located, history: History, changed: frozenset[Key] | None = None
) -> list[Finding]:
    """The promotion findings of the working catalog (`doc`, built into `catalog`) against
    `history`; only the (app, environment) pairs in `changed` unless it is None."""
    return [
        finding
        for app in catalog.apps
        for finding in _check_app(catalog, doc, history, app, changed)
        if not _suppressed(app, finding)
    ]


def _check_app(
    catalog: Catalog, doc: Located, history: History, app: App, changed: frozenset[Key] | None
) -> Iterator[Finding]:
    for env in catalog.environments:
        deployment = app.deployment(env.name)
        sources = app_sources(catalog, app, env)
        if not deployment.enabled or not sources:
            continue
        if changed is not None and (app.name, env.name) not in changed:
            continue
        missing = [s for s in sources if not _ran_in_source(app, s, deployment, history)]
        at = ("apps", app.name, "environments", env.name)
        if deployment.hotfix is not None:
            if not missing:
                yield HOTFIX.finding(
                    f"version '{deployment.version}' of app '{app.name}' in '{env.name}' ran "
                    f"in {names(sources)}, so it is no hotfix; remove its `hotfix` marker",
                    doc.position((*at, "hotfix"), key=True),
                    environment=env.name,
                )
            continue
        if not missing or history.baseline.get((app.name, env.name)) == deployment.version:
            continue
        since = (
            f"catalog history since {history.since}"
            if history.since
            else "working catalog only: no git history"
        )
        yield ORDER.finding(
            f"version '{deployment.version}' of app '{app.name}' in '{env.name}' never ran in "
            f"{names(missing, 'or')} ({since}); promote it through {names(missing)} first, or "
            "mark it `hotfix: {reason: ...}`",
            doc.position((*at, "version")),
            environment=env.name,
        )


def _ran_in_source(app: App, source: Environment, target: Deployment, history: History) -> bool:
    evidence = set(history.ran.get((app.name, source.name), ()))
    evidence.add(app.deployment(source.name).version)  # enabled: app_sources says so
    return any(versions_match(target.version, version) for version in evidence)


def promotion_findings(
    catalog_path: Path,
    catalog: Catalog,
    doc: Located,
    base: str | None = None,
    limits: Limits = CATALOG,
    cache: Cache | None = None,
) -> list[Finding]:
    """Read the history of the catalog at `catalog_path` (from `base`, else HEAD), each
    revision within `limits` and once per blob with `cache`, and check the working
    catalog's apps and add-ons; with `base`, only what changed against the base's catalog."""
    history = read_history(catalog_path, base or "HEAD", limits, cache)
    if base is None:
        return check_promotion(catalog, doc, history) + check_addon_promotion(catalog, doc, history)
    before, addons_before = revision_at(catalog_path, base, limits, cache)
    now = {
        (app.name, d.environment): d.version
        for app in catalog.apps
        for d in app.deployments
        if d.enabled
    }
    changed = frozenset(key for key, version in now.items() if before.get(key) != version)
    addons_changed = frozenset(
        (a.name, c.name)
        for c in catalog.clusters
        for a in c.addons
        if addons_before.get((a.name, c.name)) != a.version
    )
    return check_promotion(catalog, doc, history, changed) + check_addon_promotion(
        catalog, doc, history, addons_changed
    )

"""`promotion-` rules: what runs in an environment ran first in every environment it promotes
from ("what passes in staging runs in prod"), checked offline from the git history of
catalog.yaml. The sources are the environment's `promotesFrom` (by default the environment
before it), so the order may be a DAG (`generator.catalog.promotion_order`).

Their examples are catalogs with a history: `generator/rules/examples/<id>/history/*.yaml`
(the committed revisions, oldest first) and `fail.yaml` / `pass.yaml` (the working catalog).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from generator.catalog.model import App, Catalog, Deployment, Environment
from generator.catalog.promotion_order import app_sources, names
from generator.finding import Finding, Severity
from generator.gitops.promotion_history import History, Key, read_history, versions_at
from generator.k8s.imageref import split_version
from generator.limits import CATALOG, Limits
from generator.rule import Rule
from generator.yamlio import Located

ORDER = Rule(
    "promotion-order",
    Severity.ERROR,
    "A version runs in an environment only after it ran in every environment it promotes from.",
    """\
For every app and every environment after the app's first, the version the working catalog
runs must have run (the app enabled there with that version) in each environment it
promotes from: `environments.<env>.promotesFrom`, by default the previous environment in
promotion order. Where it ran counts in the working catalog or at any commit of
catalog.yaml's git history. With `promotesFrom: [staging-eu, staging-us]` a version must
have run in both; with prod-eu from staging-eu and prod-us from staging-us, each prod
checks its own staging only. When the app is disabled in a source, that source's own
sources take its place (in a straight line: the nearest earlier environment where it is
enabled); an environment with no such source (the app's first, or an entry point with
`promotesFrom: []`) is never checked. Mark a version that must skip the order with
`hotfix: {reason: ...}` on that app's environment.

Versions compare as written (`1.4.2` and `v1.4.2` differ), with one exception: two versions
that carry the same digest match when their tags agree or one of them has none
(`1.4.2@sha256:X` matches `@sha256:X`). A version with a digest never matches one without,
in either direction: promoting into a `digest` environment needs a source version that
carries that digest, so pin it in the previous environment first.

History begins at the oldest commit of catalog.yaml (the boundary of a shallow clone): the
versions it records are where the rule starts, so each (app, environment) may run its
version of that commit. With a base revision (`validate --changed`, a pull request) only
the (app, environment) pairs whose version differs from the base's catalog are checked, and
the history read is the base's. Outside a git repository, or before the catalog's first
commit, there is no history: the sources' versions in the working catalog are the only
evidence (`validate` runs this rule only inside a git work tree). `suppress`
entries of the app silence the rule as for any other.""",
)
HOTFIX = Rule(
    "promotion-hotfix",
    Severity.WARNING,
    "A hotfix marker sits only on a version that skipped an environment it promotes from.",
    "A `hotfix` marker on an app's environment whose version did run in every environment it "
    "promotes from (as `promotion-order` decides it) excuses nothing and would excuse the next "
    "version too: remove it. A version that ran in only some of them keeps its marker.",
)
PROMOTION_RULES: tuple[Rule, ...] = (HOTFIX, ORDER)


def versions_match(target: str, source: str) -> bool:
    """Whether `target` is the version that ran as `source` (see ORDER's description)."""
    if target == source:
        return True
    target_tag, target_digest = split_version(target)
    source_tag, source_digest = split_version(source)
    return (
        target_digest is not None
        and target_digest == source_digest
        and (target_tag is None or source_tag is None or target_tag == source_tag)
    )


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
) -> list[Finding]:
    """Read the history of the catalog at `catalog_path` (from `base`, else HEAD), each
    revision within `limits`, and check the working catalog; with `base`, only what changed
    against the base's catalog."""
    history = read_history(catalog_path, base or "HEAD", limits)
    if base is None:
        return check_promotion(catalog, doc, history)
    before = versions_at(catalog_path, base, limits)
    now = {
        (app.name, d.environment): d.version
        for app in catalog.apps
        for d in app.deployments
        if d.enabled
    }
    changed = frozenset(key for key, version in now.items() if before.get(key) != version)
    return check_promotion(catalog, doc, history, changed)

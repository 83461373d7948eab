"""`validate`: the catalog, the tree on disk, every overlay built with the real Kustomize
and checked with the rules of its environment, and the Argo CD objects.

Reads what is on disk (what a reviewer sees), builds each folder once, and runs the rules
of one environment over all its objects at once (quota and network rules need the whole
namespace).
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from generator.api import Repository
from generator.builds.batch import Builder
from generator.builds.running import Running
from generator.catalog.load import checked_text, read_text, rendered_findings
from generator.catalog.model import Catalog
from generator.catalog.rules import CATALOG_RULES
from generator.charts.locate import Charts, HelmDirs, Network
from generator.constants import (
    ADDONS_DIR,
    APPS_DIR,
    NAMESPACE_DIR,
    PROJECTS_DIR,
)
from generator.finding import Finding
from generator.gitops import git
from generator.result import Result
from generator.rule import ManifestRule, Rule
from generator.rules import MANIFEST_RULES
from generator.rules.argocd import ARGOCD_RULES
from generator.rules.chart import CHART_RULES
from generator.rules.promotion import PROMOTION_RULES, promotion_findings
from generator.rules.tree import TREE_RULES
from generator.validate import cached
from generator.validate.argocd_files import argo_files
from generator.validate.built import BuiltFolder
from generator.validate.charts import check_addons, render_targets, wanted_targets
from generator.validate.clean import CleanMemo
from generator.validate.shard import Shard, owned_files, shard_pairs
from generator.validate.sourcemap import Files
from generator.validate.stages import check_argocd_objects, check_built_environment
from generator.validate.tree_check import Scope, TreeCheck, check_tree, folder_path
from generator.yamlio import Located


@dataclass(frozen=True)
class Validation:
    result: Result
    built: tuple[str, ...]  # the folders built, in order: what this run rendered


def folders_of(catalog: Catalog, scope: Scope | None) -> list[tuple[str, str | None]]:
    pairs: list[tuple[str, str | None]] = []
    for env in catalog.environments:
        candidates: list[str | None] = [
            None,
            *(a.name for a in catalog.apps if a.deployment(env.name).enabled),
        ]
        pairs += [
            (env.name, a) for a in candidates if scope is None or (env.name, a) in scope.pairs
        ]
    return pairs


def validate(
    repo: Repository,
    scope: Scope | None = None,
    rules: tuple[ManifestRule, ...] = MANIFEST_RULES,
    changed_since: str | None = None,
    builder: Builder | None = None,
    shard: Shard | None = None,
    charts: Charts | None = None,
) -> Validation:
    """Check the repository. `changed_since` (a git revision) limits the work to what the
    change since then touches (see generator.gitops.changes), and the promotion rules then check
    only the versions that differ from it; `scope` names the pairs directly. `shard` checks
    one part of those (generator.validate.shard): its apps' folders, and in shard 1 what is
    global, so the shards of one repository report each finding once. `builder` builds
    the folders (batched, and with its cache: what did not change since is not built or
    checked again). `charts` finds the charts of chart apps and add-ons, rendered with Helm
    (generator.validate.charts) [default: the repository's charts/, the Helm cache of the
    environment, pulls as GITOPSGEN_OFFLINE allows]."""
    top = None if changed_since is None else git.find_root(repo.root)
    with ExitStack() as builds:  # the builds under way, stopped on any way out
        if changed_since is None or top is None:
            return _validate(repo, scope, rules, changed_since, builder, shard, charts, builds)
        with git.changed_paths_ahead(top, changed_since):  # git runs while the catalog is read
            return _validate(repo, scope, rules, changed_since, builder, shard, charts, builds)


def _validate(
    repo: Repository,
    scope: Scope | None,
    rules: tuple[ManifestRule, ...],
    changed_since: str | None,
    builder: Builder | None,
    shard: Shard | None,
    charts: Charts | None,
    stack: ExitStack,
) -> Validation:
    shard = None if shard is None or shard.count == 1 else shard
    reports = shard.reports if shard is not None else lambda _: True
    builder = builder or Builder()
    shown = repo.catalog_shown
    limits = repo.limits.manifests
    text = read_text(repo.catalog_path, shown, repo.limits.catalog)
    clean = CleanMemo(builder.cache) if builder.cache is not None else None
    early: list[Running] = []

    def rendered_check(renderable: Located, model: Catalog) -> list[Finding]:
        if scope is None and changed_since is None and shard is None:
            # A whole run builds the folders of every pair the model has: they start now,
            # while the rules run on what the catalog renders and the tree is compared.
            folders = [repo.root / folder_path(e, a) for e, a in folders_of(model, None)]
            started = builder.start(repo.root, [f for f in folders if f.is_dir()])
            early.append(stack.enter_context(started))
        return rendered_findings(renderable, model, clean)

    memo = None if builder.cache is None else cached.KeptCatalog(builder.cache, text, shown)
    catalog_key = None if memo is None else memo.key
    doc, checked = checked_text(text, shown, repo.root, repo.limits.catalog, rendered_check, memo)
    everywhere = shard is None or shard.owns(None)  # the catalog, and what else is global
    in_force: list[Rule] = list(CATALOG_RULES) if everywhere else []
    if checked.catalog is None:  # what generate refuses: the tree is not worth building
        found = tuple(checked.all) if everywhere else ()
        return Validation(Result(found, int(everywhere), tuple(in_force)), ())
    catalog = checked.catalog
    findings: list[Finding] = list(checked.findings) if everywhere else []
    if everywhere and git.find_root(repo.root) is not None:  # promotion order needs history
        findings += promotion_findings(
            repo.catalog_path, catalog, doc, changed_since, repo.limits.catalog, builder.cache
        )
        in_force += PROMOTION_RULES
    checked_tree = check_tree(
        repo.root,
        shown,
        catalog,
        changed_since,
        scope,
        repo.limits.catalog,
        builder.cache,
        catalog_key,
    )
    scope, tree = checked_tree.scope, checked_tree.tree
    findings += [f for f in checked_tree.findings if reports(f.path)]
    in_force += TREE_RULES

    if shard is not None:
        pairs = folders_of(catalog, Scope(shard_pairs(folders_of(catalog, scope), shard)))
    else:
        pairs = folders_of(catalog, scope)
    argo_only = _argocd_files(repo.root, pairs, checked_tree)
    argo = argo_files(repo.root, limits, argo_only, builder.cache)
    wanted = [folder_path(e, a) for e, a in pairs]
    if scope is None:
        applications = sorted({p for file, p in argo.sources if reports(file)})
        wanted += [p for p in applications if p not in wanted]
    existing = [p for p in wanted if (repo.root / p).is_dir()]
    folders = [repo.root / p for p in existing]
    running = early[0] if early and early[0].folders == tuple(folders) else None
    if running is None:  # the Applications name other folders too, or none started early
        for started in early:
            started.close()
        running = stack.enter_context(builder.start(repo.root, folders))
    build_keys = dict(zip(existing, running.keys, strict=True))
    on_disk = set(existing)

    targets = wanted_targets(catalog, None if scope is None else scope.pairs, shard)
    if charts is None:
        charts = Charts(repo.root, HelmDirs.of(os.environ), Network.of(os.environ))
    rendered = render_targets(repo.root, targets, charts, builder.cache, limits)
    findings += rendered.findings
    in_force += CHART_RULES if targets else ()

    loaded: dict[str, BuiltFolder] = {}  # built output read, by the checks that ran
    sources: Files = {}  # files read to place findings, shared by every environment
    for env in catalog.environments:
        here = [(a, folder_path(env.name, a)) for e, a in pairs if e == env.name]
        own = [p for a, p in here if p in on_disk and (shard is None or shard.owns(a))]
        beside = [p for a, p in here if p in on_disk and p not in own]
        helm_folders = rendered.of_environment(env.name)
        if own or helm_folders:
            # Checked once its own folders are built, while the next environments build.
            ready = own + beside
            builds = dict(zip(ready, running.wait([repo.root / p for p in ready]), strict=True))
            # A sum over the namespace needs every app of it, in this run and this shard.
            whole = shard is None and _whole(catalog, env.name, pairs)
            env_rules_in_scope = rules if whole else _partial(rules)
            key = cached.environment_key(
                catalog_key,
                env.name,
                [(p, build_keys[p] if builds[p].ok else None) for p in own]
                + [(f.folder, rendered.keys[f.folder]) for f in helm_folders],
                env_rules_in_scope,
                [(p, build_keys[p] if builds[p].ok else None) for p in beside],
            )
            env_findings, env_rules = cached.checked(
                builder.cache,
                key,
                env_rules_in_scope,
                partial(
                    check_built_environment,
                    repo.root,
                    catalog,
                    env,
                    [builds[p] for p in own],
                    env_rules_in_scope,
                    sources,
                    loaded,
                    limits,
                    [builds[p] for p in beside],
                    helm_folders,
                    builder.cache,
                ),
            )
            findings += env_findings
            in_force += [r.rule for r in env_rules]
    builds = dict(zip(existing, running.finish().builds, strict=True))
    addon_findings, addon_rules_in_force = check_addons(
        catalog, rendered.addons, rules, rendered.keys, builder.cache, catalog_key
    )
    findings += addon_findings
    in_force += [r.rule for r in addon_rules_in_force]

    schema_rules = [r for r in rules if r.rule.family in ("schema", "api")]
    # With a scope, the Applications of the pairs in it (chart apps build no folder here)
    # and every add-on's, which no pair names.
    only = None
    if scope is not None:
        only = set(wanted) | {f"{APPS_DIR}/{e}/{a or NAMESPACE_DIR}.yaml" for e, a in pairs}
        only |= {p for p in argo.paths if p.startswith(ADDONS_DIR + "/")}
    argo_key = cached.argocd_key(
        catalog_key,
        argo.digest,
        [(p, build_keys[p] if builds[p].ok else None) if p in builds else (p, "") for p in wanted]
        + [(f.folder, rendered.keys[f.folder]) for f in rendered.folders],
        schema_rules,
        only,
        str(shard or ""),
    )
    argo_findings, argo_rules = cached.checked(
        builder.cache,
        argo_key,
        schema_rules,
        lambda: check_argocd_objects(
            repo,
            catalog,
            argo.manifests(),  # parsed only here: when the findings are not kept
            builds,
            loaded,
            wanted,
            schema_rules,
            only,
            limits,
            shard,
            rendered.folders,
        ),
    )
    findings += argo_findings
    in_force += [*ARGOCD_RULES, *(r.rule for r in argo_rules)]
    files = (len(tree) if shard is None else owned_files(tree, shard)) + int(everywhere)
    return Validation(Result(tuple(findings), files, tuple(in_force)), tuple(existing))


def _argocd_files(
    root: Path, pairs: list[tuple[str, str | None]], tree: TreeCheck
) -> list[str] | None:
    """With a scope, the Argo CD files its checks read: the Applications of its pairs, every
    project and add-on file (an Application may name any project) and every hand-written
    file; None (every file) without a scope."""
    if tree.stray is None:
        return None
    files = [f"{APPS_DIR}/{e}/{a or NAMESPACE_DIR}.yaml" for e, a in pairs]
    for folder in (PROJECTS_DIR, ADDONS_DIR):
        for top, dirs, names in os.walk(root / folder):
            dirs.sort()
            at = Path(top).relative_to(root).as_posix()
            files += [f"{at}/{n}" for n in sorted(names) if n.endswith(".yaml")]
    return [*files, *tree.stray]


# Rules whose verdict sums over every app of a namespace: only in force when all are built,
# so never in a shard (its finding sits on the _namespace's ResourceQuota, shard 1's, while
# the apps are spread over the shards; the catalog's preflight still sums what it renders).
NAMESPACE_SUMS = ("quota-exceeded",)


def _whole(catalog: Catalog, env: str, pairs: list[tuple[str, str | None]]) -> bool:
    running = {a.name for a in catalog.apps if a.deployment(env).enabled}
    return running <= {a for e, a in pairs if e == env}


def _partial(rules: tuple[ManifestRule, ...]) -> tuple[ManifestRule, ...]:
    return tuple(r for r in rules if r.rule.id not in NAMESPACE_SUMS)

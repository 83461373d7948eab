"""The tree part of `validate`: what the catalog generates against what is on disk (the
`tree-` rules and what stands in the way), on the whole tree or on a scope of
(environment, app) pairs, such as what a change since a git revision touches."""

from __future__ import annotations

import contextlib
import os
from bisect import bisect_left
from dataclasses import dataclass
from pathlib import Path

from generator.builds import trees
from generator.builds.cache import Cache
from generator.builds.settled import Settled
from generator.catalog.model import Catalog
from generator.constants import (
    APPS_DIR,
    ARGOCD_DIR,
    BASE_DIR,
    GENERATED_DIRS,
    GENERATED_FILES,
    NAMESPACE_DIR,
    OVERLAYS_DIR,
)
from generator.finding import Finding
from generator.gitops.changes import changed_pairs
from generator.limits import Limits
from generator.render import render
from generator.render.tree import Tree
from generator.rules.tree import tree_findings
from generator.validate import cached
from generator.validate.argocd import hand_written_objects
from generator.writer import plan, scan


@dataclass(frozen=True)
class Scope:
    """Which (environment, app) pairs to build and check; an app of None is the
    environment's `_namespace`. None checks everything."""

    pairs: frozenset[tuple[str, str | None]]


@dataclass(frozen=True)
class TreeCheck:
    scope: Scope | None  # as given, or what the change touches
    tree: Tree  # what was rendered: the whole tree, or the scope's own files
    findings: list[Finding]  # what stands in the way of the tree, and how the disk drifts
    # With a scope: the files under argocd/ gitopsgen did not write (None: not looked for).
    stray: tuple[str, ...] | None = None


def folder_path(env: str, app: str | None) -> str:
    return f"{OVERLAYS_DIR}/{env}/{app or NAMESPACE_DIR}"


def scoped_paths(pairs: frozenset[tuple[str, str | None]]) -> frozenset[str]:
    """The generated folders (ending in /) and files that belong to `pairs`."""
    touched = {folder_path(e, a) + "/" for e, a in pairs}
    touched |= {f"{BASE_DIR}/{a}/" for _, a in pairs if a}
    touched |= {f"{APPS_DIR}/{e}/{a or NAMESPACE_DIR}.yaml" for e, a in pairs}
    return frozenset(touched)


def within_paths(tree: Tree, touched: frozenset[str]) -> Tree:
    """The files of `tree` that are one of `touched` or inside one of its folders, in the
    tree's order; each folder's files found by bisection, not by testing every file."""
    paths = sorted(tree)
    chosen = {p for p in touched if not p.endswith("/") and p in tree}
    for folder in (p for p in touched if p.endswith("/")):
        at = bisect_left(paths, folder)
        while at < len(paths) and paths[at].startswith(folder):
            chosen.add(paths[at])
            at += 1
    return {p: b for p, b in tree.items() if p in chosen}


def _whole_findings(
    root: Path, shown: str, tree: Tree, cache: Cache | None, catalog_key: str | None
) -> list[Finding]:
    """How the whole tree on disk differs from `tree`. With a cache, the findings are kept
    under the catalog key and the stats of every file and folder the scan reads
    (generator.builds.settled): a tree no one wrote to since is not read again."""
    memo = None
    if cache is not None and catalog_key is not None:
        memo = Settled(cache, ["tree", str(root), catalog_key])
        kept = memo.get("tree")
        if isinstance(kept, list):
            with contextlib.suppress(KeyError, TypeError, ValueError):
                return [cached.finding_of(f) for f in kept]
    todo, conflicts = plan(root, tree)
    objects = hand_written_objects(root, todo.foreign)
    drift = tree_findings(todo.writes, todo.deletes, todo.current, todo.foreign, shown, objects)
    found = [*conflicts, *drift]
    if memo is not None:
        memo.put("tree", _scanned(root), [cached.finding_data(f) for f in found])
        memo.save()
    return found


def _scanned(root: Path) -> list[str]:
    """What the scan of the whole tree lists and reads: the generated folders and all
    below them (links to folders not followed), the generated single files and the folder
    each sits in."""
    paths = []
    for top in GENERATED_DIRS:
        paths.append(str(root / top))
        for folder, _, names in os.walk(root / top):
            paths.append(folder)
            paths += (os.path.join(folder, n) for n in names)
    for rel in GENERATED_FILES:
        paths += [str(root / rel), str((root / rel).parent)]
    return paths


def check_tree(
    root: Path,
    shown: str,
    catalog: Catalog,
    changed_since: str | None,
    scope: Scope | None,
    limits: Limits,
    cache: Cache | None = None,
    catalog_key: str | None = None,
) -> TreeCheck:
    """The tree's findings on `scope` (None: everything), or on what the change since
    `changed_since` touches (the catalog at that revision read once per blob with `cache`);
    with a scope only its own files are rendered, compared and read: the apps' and the
    `_namespace` of its environments. With `catalog_key` (generator.builds.trees), a tree
    rendered before for the same catalog is not rendered again."""
    whole_trees: list[Tree] = []  # the whole tree, once something needed it
    if (kept := trees.kept(catalog_key, cache)) is not None:
        whole_trees.append(kept)

    def whole_tree() -> Tree:
        if not whole_trees:
            whole_trees.append(trees.whole(catalog, catalog_key, cache))
        return whole_trees[0]

    if changed_since is not None:
        in_scope = changed_pairs(root, shown, catalog, whole_tree, changed_since, limits, cache)
        scope = Scope(frozenset(in_scope))
    if scope is None:
        tree = whole_tree()
        return TreeCheck(None, tree, _whole_findings(root, shown, tree, cache, catalog_key))
    if whole_trees:
        tree = whole_trees[0]
    else:
        apps = {a for _, a in scope.pairs if a}
        tree = render(catalog, apps, {e for e, a in scope.pairs if a is None})
    touched = scoped_paths(scope.pairs)
    tree = within_paths(tree, touched)
    todo, conflicts = plan(root, tree, within=sorted(touched))
    # A hand-written Argo CD object is reported whatever the change touches.
    stray = scan(root, {}, within=[ARGOCD_DIR + "/"]).others
    objects = hand_written_objects(root, stray)
    drift = tree_findings(todo.writes, (), todo.current, (), shown, objects)
    return TreeCheck(scope, tree, [*conflicts, *drift], tuple(stray))

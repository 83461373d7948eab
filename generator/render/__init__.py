"""Rendering: a pure function from the catalog model to the in-memory tree."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.catalog.model import Catalog
    from generator.render.tree import Tree


def render(
    catalog: Catalog,
    apps: Collection[str] | None = None,
    namespaces: Collection[str] | None = None,
) -> Tree:
    """The whole tree; with `apps`, only those apps' own files (base, overlays, Applications)
    beside every file of the environments and of Argo CD that is not one app's; with
    `namespaces`, the `_namespace` folders of those environments only."""
    # Imported here: a run that renders nothing (its tree is in the cache) imports none.
    from generator.constants import CODEOWNERS_FILE
    from generator.render.addons import render_addons
    from generator.render.argocd import render_argocd
    from generator.render.base import render_base
    from generator.render.codeowners import has_owners, render_codeowners
    from generator.render.namespace import render_namespace
    from generator.render.overlay import render_overlay
    from generator.render.tree import sorted_tree

    tree: Tree = {}
    # A chart app has no base or overlay: Argo CD renders its chart (render/argocd.py).
    chosen = [a for a in catalog.apps if a.chart is None and (apps is None or a.name in apps)]
    for app in chosen:
        render_base(app, catalog.path, tree)
    for env in catalog.environments:
        if namespaces is None or env.name in namespaces:
            render_namespace(env, catalog, tree)
        for app in chosen:
            render_overlay(app, env, catalog, tree)
    render_argocd(catalog, tree, apps)
    render_addons(catalog, tree)
    if has_owners(catalog):
        tree[CODEOWNERS_FILE] = render_codeowners(catalog).encode("utf-8")
    return sorted_tree(tree)

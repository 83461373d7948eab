"""Rendering: a pure function from the catalog model to the in-memory tree."""

from __future__ import annotations

from generator.catalog.model import Catalog
from generator.constants import CODEOWNERS_FILE
from generator.render.addons import render_addons
from generator.render.argocd import render_argocd
from generator.render.base import render_base
from generator.render.codeowners import has_owners, render_codeowners
from generator.render.namespace import render_namespace
from generator.render.overlay import render_overlay
from generator.render.tree import Tree, sorted_tree


def render(catalog: Catalog) -> Tree:
    tree: Tree = {}
    # A chart app has no base or overlay: Argo CD renders its chart (render/argocd.py).
    image_apps = [app for app in catalog.apps if app.chart is None]
    for app in image_apps:
        render_base(app, catalog.path, tree)
    for env in catalog.environments:
        render_namespace(env, catalog, tree)
        for app in image_apps:
            render_overlay(app, env, catalog, tree)
    render_argocd(catalog, tree)
    render_addons(catalog, tree)
    if has_owners(catalog):
        tree[CODEOWNERS_FILE] = render_codeowners(catalog).encode("utf-8")
    return sorted_tree(tree)

"""What a git change touches: the (environment, app) pairs `validate --changed` checks.

A catalog change is judged by its effect. An edit inside some apps' own entries is judged on
the data (generator.gitops.catalog_diff): those apps' folders in the environments it edits.
Any other change renders the tree from the catalog at the base revision and from the
working catalog, and every folder whose generated files differ is in scope (an
environment-wide change, such as a quota or a host template, so widens to every app of that
environment). Hand edits under base/, overlays/ and argocd/ add the pairs they belong to,
and so do a chart app's value files and its chart under `charts/` (Helm renders them; the
tree does not show them). Every environment in scope brings its `_namespace`, whose
policies the rules of its apps read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from generator.builds.cache import Cache
from generator.catalog.load import catalog_from_text
from generator.catalog.model import Catalog
from generator.constants import (
    APPS_DIR,
    BASE_DIR,
    CHARTS_DIR,
    NAMESPACE_DIR,
    OVERLAYS_DIR,
    PROJECTS_DIR,
)
from generator.errors import GitopsgenError, UsageError
from generator.finding import Position
from generator.gitops import git
from generator.gitops.catalog_blobs import plain_at
from generator.gitops.catalog_diff import app_local_pairs
from generator.limits import CATALOG, Limits
from generator.render import render
from generator.render.tree import Tree
from generator.textfile import decode

Pair = tuple[str, str | None]


def _strip(name: str) -> str:
    return name.removesuffix(".yaml")


def pairs_of_path(path: str, catalog: Catalog) -> set[Pair]:
    """The (env, app) pairs a path under the generated folders belongs to."""
    parts = path.split("/")
    envs = [e.name for e in catalog.environments]
    apps = {a.name: a for a in catalog.apps}
    found: set[Pair] = set()
    if parts[0] == OVERLAYS_DIR and len(parts) >= 3 and parts[1] in envs:
        found.add((parts[1], None if parts[2] == NAMESPACE_DIR else parts[2]))
    elif parts[0] == BASE_DIR and len(parts) >= 2 and parts[1] in apps:
        found |= {(e, parts[1]) for e in envs if apps[parts[1]].deployment(e).enabled}
    elif path.startswith(APPS_DIR + "/") and len(parts) == 4 and parts[2] in envs:
        name = _strip(parts[3])
        found.add((parts[2], None if name == NAMESPACE_DIR else name))
    elif path.startswith(PROJECTS_DIR + "/") and len(parts) == 3 and _strip(parts[2]) in envs:
        env = _strip(parts[2])
        found |= {(env, None)} | {(env, a) for a in apps if apps[a].deployment(env).enabled}
    found |= _chart_pairs(path, catalog)
    return {(e, a) for e, a in found if a is None or a in apps}


def _chart_pairs(path: str, catalog: Catalog) -> set[Pair]:
    """The chart apps a value file, or a chart under charts/ (`<name>/...`,
    `<name>-<version>.tgz`), is rendered into."""
    parts = path.split("/")
    under = parts[1] if parts[0] == CHARTS_DIR and len(parts) >= 2 else None
    found: set[Pair] = set()
    for app in catalog.apps:
        name = app.chart.name if app.chart is not None else None
        for d in app.deployments if name is not None else ():
            ours = (under == name and len(parts) > 2) or under == f"{name}-{d.version}.tgz"
            if d.enabled and (ours or path in d.values.value_files):
                found.add((d.environment, app.name))
    return found


def _text_at(top: Path, base: str, rel: str, catalog_shown: str) -> str | None:
    """The catalog's text at `base`, or None when it has none there (or it is not text)."""
    data = git.show(top, base, rel)
    if data is None:
        return None
    try:
        return decode(data, catalog_shown)
    except GitopsgenError:
        return None


def _tree_of(text: str | None, catalog_shown: str, limits: Limits) -> Tree | None:
    """The tree the catalog `text` renders, or None when it cannot be rendered."""
    if text is None:
        return None
    try:
        return render(catalog_from_text(text, catalog_shown, limits=limits, preflight=False))
    except GitopsgenError:
        return None


def _catalog_pairs(
    top: Path,
    base: str,
    rel: str,
    catalog_shown: str,
    catalog: Catalog,
    tree: Callable[[], Tree],
    limits: Limits,
    cache: Cache | None,
) -> set[Pair]:
    """The pairs a change of the catalog (at `rel` in the work tree `top`, from `base`)
    touches."""
    local = app_local_pairs(plain_at(top, cache, base, rel, limits), catalog.raw, catalog)
    if local is not None:
        return local
    old = _tree_of(_text_at(top, base, rel, catalog_shown), catalog_shown, limits)
    if old is None:
        return _all(catalog)
    return {p for path in _differing(old, tree()) for p in pairs_of_path(path, catalog)}


def changed_pairs(
    root: Path,
    catalog_shown: str,
    catalog: Catalog,
    tree: Callable[[], Tree],
    base: str,
    limits: Limits = CATALOG,
    cache: Cache | None = None,
) -> set[Pair]:
    """The pairs the change since `base` touches; the catalog at `base` is read within
    `limits` (the working catalog's), once per blob with `cache`
    (generator.gitops.catalog_blobs); `tree` renders the working catalog, called only when
    the rendered trees must be compared."""
    top = git.find_root(root)
    if top is None:
        raise UsageError(
            f"{root} is not inside a git repository; --changed compares with a git revision "
            "(run without --changed to check everything)",
            Position(catalog_shown),
        )
    prefix = root.resolve().relative_to(top.resolve()).as_posix()
    local = [
        p.removeprefix(prefix + "/") if prefix != "." else p for p in git.changed_paths(top, base)
    ]
    pairs: set[Pair] = set()
    for path in local:
        pairs |= pairs_of_path(path, catalog)
    if catalog_shown in local:
        rel = (root / catalog_shown).resolve().relative_to(top.resolve()).as_posix()
        pairs |= _catalog_pairs(
            top.resolve(), base, rel, catalog_shown, catalog, tree, limits, cache
        )
    return pairs | {(env, None) for env, _ in pairs}


def _differing(old: Tree, new: Tree) -> Iterable[str]:
    return sorted(p for p in set(old) | set(new) if old.get(p) != new.get(p))


def _all(catalog: Catalog) -> set[Pair]:
    return {(e.name, None) for e in catalog.environments} | {
        (e.name, a.name)
        for e in catalog.environments
        for a in catalog.apps
        if a.deployment(e.name).enabled
    }

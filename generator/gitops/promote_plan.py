"""What a promotion does, decided on the catalog model alone: which versions move where, or
why not. Pure: no files, no git.

Refused unless forced: skipping an environment (the source is not directly before the
target in promotion order), moving a version older than the target's (SemVer), moving into
an environment where the app is disabled. Refused even when forced: moving from an
environment where the app is disabled (there is no version), and moving a version without a
digest into a `digest` environment (ARCHITECTURE §2).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from generator.catalog.model import App, Catalog, Deployment, Environment
from generator.errors import GitopsgenError, RefusedError, UsageError
from generator.finding import Position
from generator.k8s.imageref import split_version
from generator.manifest import NodePath
from generator.semver import compare_versions


@dataclass(frozen=True)
class PromoteRequest:
    apps: tuple[str, ...]  # empty with `every`
    target: str
    source: str | None = None  # default: the environment before `target`
    every: bool = False  # every app whose version differs (enabled in both)
    force: bool = False


@dataclass(frozen=True)
class Move:
    app: str
    version: str  # the version promoted (the source's)
    previous: str  # the target's version before ('' when it had none)
    enable: bool = False  # forced into an environment where the app was disabled


@dataclass(frozen=True)
class PromotionPlan:
    source: str
    target: str
    moves: tuple[Move, ...]
    unchanged: tuple[Move, ...]  # requested apps that already run the source's version

    def edits(self) -> dict[NodePath, str | bool]:
        """The catalog scalars to set, by key path."""
        found: dict[NodePath, str | bool] = {}
        for move in self.moves:
            at = ("apps", move.app, "environments", self.target)
            found[(*at, "version")] = move.version
            if move.enable:
                found[(*at, "enabled")] = True
        return found


def _unknown(what: str, name: str, known: list[str]) -> UsageError:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'?" if close else f"known {what}s: {', '.join(known)}"
    return UsageError(f"unknown {what} '{name}'; {hint}")


def _environment(catalog: Catalog, name: str) -> Environment:
    for env in catalog.environments:
        if env.name == name:
            return env
    raise _unknown("environment", name, [e.name for e in catalog.environments])


def _position(catalog: Catalog, at: NodePath) -> Position:
    for end in range(len(at), 0, -1):
        if at[:end] in catalog.positions:
            line, column = catalog.positions[at[:end]]
            return Position(catalog.path, line, column)
    return Position(catalog.path)


def _where(catalog: Catalog, d: Deployment, key: str) -> Position:
    return _position(catalog, ("apps", d.app, "environments", d.environment, key))


def _source(catalog: Catalog, request: PromoteRequest, target: Environment) -> Environment:
    if request.source is not None:
        source = _environment(catalog, request.source)
        if source.name == target.name:
            raise UsageError(f"--from and --to both name '{target.name}'; name two environments")
        return source
    if target.index == 0:
        raise UsageError(
            f"'{target.name}' is the first environment in promotion order: there is nothing "
            "to promote from; pass --from ENV"
        )
    return catalog.environments[target.index - 1]


Reason = tuple[bool, GitopsgenError]  # (whether --force overrides it, what is wrong)


def _check(catalog: Catalog, app: App, source: Environment, target: Environment) -> list[Reason]:
    """Why moving `app` from `source` to `target` is refused, if it is."""
    src, dst = app.deployment(source.name), app.deployment(target.name)
    if not src.enabled:
        return [
            (
                False,
                UsageError(
                    f"{app.name} is disabled in {source.name}: there is no version to promote; "
                    f"enable it there first",
                    _where(catalog, src, "enabled"),
                ),
            )
        ]
    reasons: list[Reason] = []
    if not dst.enabled:
        reasons.append(
            (
                True,
                UsageError(
                    f"{app.name} is disabled in {target.name}; pass --force to enable it there "
                    f"with {src.version}",
                    _where(catalog, dst, "enabled"),
                ),
            )
        )
    # A chart version is SemVer and never carries a digest: imagePolicy is about images.
    pinned = app.chart is not None or split_version(src.version)[1] is not None
    if target.image_policy == "digest" and not pinned:
        reasons.append(
            (
                False,
                UsageError(
                    f"{target.name} runs only versions pinned by digest (imagePolicy: digest) "
                    f"and {app.name} {src.version} in {source.name} has no digest; pin it in "
                    f"{source.name} first (e.g. {src.version}@sha256:<digest>)",
                    _where(catalog, src, "version"),
                ),
            )
        )
    if dst.enabled and compare_versions(src.version, dst.version) == -1:
        reasons.append(
            (
                True,
                UsageError(
                    f"{app.name} {src.version} in {source.name} is older than {dst.version} in "
                    f"{target.name}; pass --force to roll {target.name} back",
                    _where(catalog, dst, "version"),
                ),
            )
        )
    return reasons


def plan_promotion(catalog: Catalog, request: PromoteRequest) -> PromotionPlan:
    """The moves `request` asks for; UsageError (exit 2) for names that do not exist,
    RefusedError (exit 1) with every reason when the promotion is refused."""
    target = _environment(catalog, request.target)
    source = _source(catalog, request, target)
    names = [a.name for a in catalog.apps]
    for name in request.apps:
        if name not in names:
            raise _unknown("app", name, names)
    if request.every:
        apps = [
            a
            for a in catalog.apps
            if a.deployment(source.name).enabled
            and a.deployment(target.name).enabled
            and a.deployment(source.name).version != a.deployment(target.name).version
        ]
    else:
        apps = [catalog.app(name) for name in dict.fromkeys(request.apps)]
    reasons: list[Reason] = []
    moves: list[Move] = []
    unchanged: list[Move] = []
    for app in apps:
        src, dst = app.deployment(source.name), app.deployment(target.name)
        if dst.enabled and src.enabled and src.version == dst.version:
            unchanged.append(Move(app.name, src.version, dst.version))
            continue
        reasons += _check(catalog, app, source, target)
        moves.append(Move(app.name, src.version, dst.version, enable=not dst.enabled))
    if moves and source.index != target.index - 1:
        order = " -> ".join(e.name for e in catalog.environments)
        reasons.insert(
            0,
            (
                True,
                UsageError(
                    f"{source.name} is not directly before {target.name} in promotion order "
                    f"({order}); promote through each environment in turn, or pass --force",
                    _position(catalog, ("environments", target.name)),
                ),
            ),
        )
    shown = [reason for forceable, reason in reasons if not (forceable and request.force)]
    if shown:
        raise RefusedError(shown)
    return PromotionPlan(source.name, target.name, tuple(moves), tuple(unchanged))


def commit_message(plan: PromotionPlan) -> str:
    """`Promote web 1.4.2 to prod (from staging)`, or a subject and a list for several apps."""
    route = f"to {plan.target} (from {plan.source})"
    if len(plan.moves) == 1:
        move = plan.moves[0]
        subject = f"Promote {move.app} {split_version(move.version)[0] or move.version} {route}"
    else:
        subject = f"Promote {len(plan.moves)} apps {route}"
    body = "\n".join(
        f"- {m.app}: {m.previous or '(none)'} -> {m.version}" + (" (enabled)" if m.enable else "")
        for m in plan.moves
    )
    return f"{subject}\n\n{body}\n"

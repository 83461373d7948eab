"""What a promotion does, decided on the catalog model alone: which versions move where, or
why not. Pure: no files, no git.

The source is the target's one source in promotion order (`promotesFrom`, by default the
environment before it); a target with several sources needs `--from`, naming one of them
(`promote_source`). Refused unless forced: skipping an environment (the source is not one
the target promotes from), moving a version older than the target's (SemVer), moving into
an environment where the app is disabled. Refused even when forced: moving from an
environment where the app is disabled (there is no version), and moving a version without a
digest into a `digest` environment (ARCHITECTURE §2).
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.catalog.model import App, Catalog, Deployment, Environment
from generator.errors import GitopsgenError, RefusedError, UsageError
from generator.finding import Position
from generator.gitops.promote_source import choose_source, environment, position, skips, unknown
from generator.k8s.imageref import split_version
from generator.manifest import NodePath
from generator.semver import compare_versions


@dataclass(frozen=True)
class PromoteRequest:
    apps: tuple[str, ...]  # empty with `every`
    target: str
    source: str | None = None  # default: the one environment `target` promotes from
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


def _where(catalog: Catalog, d: Deployment, key: str) -> Position:
    return position(catalog, ("apps", d.app, "environments", d.environment, key))


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
    if target.image_policy == "digest" and split_version(src.version)[1] is None:
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
    target = environment(catalog, request.target)
    source = choose_source(catalog, target, request.source)
    names = [a.name for a in catalog.apps]
    for name in request.apps:
        if name not in names:
            raise unknown("app", name, names)
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
    if moves and source.name not in target.promotes_from:
        reasons.insert(0, (True, skips(catalog, source, target)))
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

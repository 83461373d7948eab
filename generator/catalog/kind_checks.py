"""Checks that each workload kind gets only what fits it, and CronJob schedules."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.cron import cron_problem
from generator.catalog.model import BATCH_KINDS, CRONJOB_FIELDS, SCALED_KINDS
from generator.catalog.values import in_environment, running, where, written
from generator.finding import Finding
from generator.yamlio import Located


def _kind(spec: dict[str, Any]) -> str:
    return str(spec.get("kind", "Deployment"))


def _own(doc: Located, app: str, env: str | None, field: str) -> tuple[Any, ...] | None:
    """Where the app itself writes `field` (not the defaults, which every kind shares): at the
    app level when `env` is None, else in that environment."""
    at = written(doc, app, env, field)
    if at is None or at[0] == "defaults" or (env is not None and at[2:3] != ("environments",)):
        return None
    return at


def _refuse(doc: Located, at: tuple[Any, ...], message: str) -> Finding:
    return rules.KIND.finding(message, doc.position(at, key=True))


def _app_fields(doc: Located, app: str, kind: str) -> Iterator[Finding]:
    at = ("apps", app)
    spec = _section(doc, "apps")[app]
    if "hook" in spec and kind != "Job":
        yield _refuse(
            doc,
            (*at, "hook"),
            f"app '{app}' is a {kind}; `hook` runs a Job as an Argo CD resource hook: set "
            "`kind: Job` or remove `hook`",
        )
    if "schedule" in spec and kind != "CronJob":
        yield _refuse(
            doc, (*at, "schedule"), f"app '{app}' is a {kind}; only a CronJob has a `schedule`"
        )
    if kind not in BATCH_KINDS:
        return
    for field, what in (
        ("ingress", "an Ingress"),
        ("service", "a Service"),
        ("metrics", "a ServiceMonitor"),
    ):
        if field in spec:
            yield _refuse(
                doc,
                (*at, field),
                f"app '{app}' is a {kind}, which runs to completion and gets no Service; "
                f"remove `{field}` ({what} needs a long-running app)",
            )


def _env_fields(doc: Located, app: str, kind: str, env: str | None) -> Iterator[Finding]:
    for field in ("replicas", "autoscaling"):
        at = _own(doc, app, env, field)
        if at is not None and kind not in SCALED_KINDS:
            yield _refuse(
                doc,
                at,
                f"app '{app}' is a {kind}; `{field}` is for a Deployment or StatefulSet"
                + (" (a DaemonSet runs one pod per node)" if kind == "DaemonSet" else ""),
            )
    at = _own(doc, app, env, "job")
    if at is not None and kind not in BATCH_KINDS:
        yield _refuse(doc, at, f"app '{app}' is a {kind}; `job` is for a CronJob or Job")
    at = _own(doc, app, env, "schedule")
    if env is not None and at is not None and kind != "CronJob":
        yield _refuse(doc, at, f"app '{app}' is a {kind}; only a CronJob has a `schedule`")


def _job_values(
    doc: Located, app: str, kind: str, env: str, values: dict[str, Any]
) -> Iterator[Finding]:
    job = values.get("job", {})
    if kind == "Job":
        for field in sorted(set(job) & set(CRONJOB_FIELDS) - {"suspend"}):
            yield rules.KIND.finding(
                f"app '{app}' is a Job; `job.{field}` is a CronJob's setting: remove it",
                where(doc, app, env, "job", field),
            )
        if "ttlSecondsAfterFinished" in job and "hook" not in _section(doc, "apps")[app]:
            yield rules.KIND.finding(
                f"app '{app}' is a plain Job with job.ttlSecondsAfterFinished: Argo CD would "
                "recreate it after it is deleted and run it again; remove the ttl, or make it "
                "a `hook`",
                where(doc, app, env, "job", "ttlSecondsAfterFinished"),
            )
    persistent = [
        path
        for path, volume in (values.get("volumes") or {}).items()
        if not {"emptyDir", "configMap", "secret"} & set(volume or {})
    ]
    if persistent and kind == "DaemonSet":
        yield rules.KIND.finding(
            f"app '{app}' is a DaemonSet with the persistent volume {persistent[0]}: one claim "
            "cannot follow a pod on every node; use an emptyDir or a StatefulSet",
            where(doc, app, env, "volumes", persistent[0]),
        )
    most = (values.get("autoscaling") or {}).get("maxReplicas", values.get("replicas", 1))
    if persistent and kind == "Deployment" and most > 1:
        yield rules.KIND.finding(
            f"app '{app}' runs {most} replicas in '{env}' with the persistent volume "
            f"{persistent[0]}, which attaches to one node; run one replica, or make it a "
            "StatefulSet (a volume per replica)",
            where(doc, app, env, "volumes", persistent[0]),
        )


def _schedules(doc: Located, app: str, envs: list[tuple[str, dict[str, Any]]]) -> Iterator[Finding]:
    """The schedule of a CronJob in each environment it runs in; one finding at the app when
    none of them has one."""
    if all(values.get("schedule") is None for _, values in envs):
        yield rules.SCHEDULE.finding(
            f"CronJob '{app}' has no schedule; set `schedule` (e.g. \"30 3 * * *\")",
            doc.position(("apps", app), key=True),
        )
        return
    for env, values in envs:
        schedule = values.get("schedule")
        if schedule is None:
            yield rules.SCHEDULE.finding(
                f"CronJob '{app}' has no schedule in '{env}'; set `schedule` (e.g. \"30 3 * * *\")",
                doc.position(("apps", app, "environments", env), key=True),
                environment=env,
            )
            continue
        problem = cron_problem(str(schedule))
        if problem:
            # A schedule written at the app is wrong wherever the app runs: name no environment.
            own = in_environment(doc, app, env, ("schedule",))
            yield rules.SCHEDULE.finding(
                f"schedule '{schedule}' of CronJob '{app}'"
                + (f" in '{env}'" if own else "")
                + f": {problem}",
                where(doc, app, env, "schedule"),
                environment=env if own else None,
            )


def check_kinds(doc: Located) -> Iterator[Finding]:
    apps = _section(doc, "apps")
    for app, spec in apps.items():
        kind = _kind(spec)
        yield from _app_fields(doc, app, kind)
        yield from _env_fields(doc, app, kind, None)
        for env in spec["environments"]:
            yield from _env_fields(doc, app, kind, env)
    cronjobs: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for app, env, values in running(doc):
        kind = _kind(apps[app])
        yield from _job_values(doc, app, kind, env, values)
        if kind == "CronJob":
            cronjobs.setdefault(app, []).append((env, values))
    for app, envs in cronjobs.items():
        yield from _schedules(doc, app, envs)

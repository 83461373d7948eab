"""Checks of backups: an app's `backup` (schedule, ttl, persistent volumes to save) and an
environment's `backups` (Velero's namespace)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import constants as c
from generator.catalog import rules
from generator.catalog.checks import _section
from generator.catalog.cron import cron_problem
from generator.catalog.duration import duration_problem, nanoseconds
from generator.catalog.values import running
from generator.finding import Finding, Severity
from generator.yamlio import Located

SCRATCH = frozenset({"emptyDir", "configMap", "secret"})


def persistent(values: dict[str, Any]) -> bool:
    """Whether merged app values mount a persistent volume (a claim)."""
    return any(not SCRATCH & set(v or {}) for v in (values.get("volumes") or {}).values())


def _schedule(doc: Located, app: str, schedule: str) -> Iterator[Finding]:
    at = doc.position(("apps", app, "backup", "schedule"))
    problem: str | None = None
    if schedule.strip().upper().startswith(("TZ=", "CRON_TZ=")):
        problem = "Velero runs schedules in UTC; write the time in UTC, without a time zone"
    else:
        problem = cron_problem(schedule)
    if problem:
        yield rules.BACKUP.finding(f"backup schedule '{schedule}' of app '{app}': {problem}", at)


def _ttl(doc: Located, app: str, ttl: str) -> Iterator[Finding]:
    problem = duration_problem(ttl)
    if problem is None and nanoseconds(ttl) <= 0:
        problem = (
            "a backup must be kept for some time; write a positive duration such as 720h, or "
            "remove `ttl` for Velero's default (720h)"
        )
    if problem:
        yield rules.BACKUP.finding(
            f"backup ttl '{ttl}' of app '{app}': {problem}",
            doc.position(("apps", app, "backup", "ttl")),
        )


def _volumes(doc: Located, app: str, with_backups: set[str]) -> Iterator[Finding]:
    stored = [env for name, env, values in running(doc) if name == app and persistent(values)]
    at = doc.position(("apps", app, "backup"), key=True)
    if not stored:
        yield rules.BACKUP.finding(
            f"app '{app}' has a backup but no persistent volume where it runs, so a Schedule "
            "would save no data; mount one (`volumes.<mountPath>: {size: ...}`) or remove "
            "`backup`",
            at,
        )
    elif not with_backups & set(stored):
        yield rules.BACKUP.finding(
            f"app '{app}' has a backup, but none of the environments where it has persistent "
            f"volumes ({', '.join(stored)}) has `backups`, so no Schedule is generated; set "
            f"`environments.{stored[-1]}.backups: {{storageLocation: ...}}` or remove `backup`",
            at,
            severity=Severity.WARNING,
        )


def _velero_namespaces(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    taken = {(spec["cluster"], spec["namespace"]): env for env, spec in environments.items()}
    for env, spec in environments.items():
        backups = spec.get("backups")
        if not isinstance(backups, dict):
            continue
        namespace = backups.get("namespace", c.DEFAULT_VELERO_NAMESPACE)
        other = taken.get((spec["cluster"], namespace))
        if other is not None:
            at = ("environments", env, "backups")
            whose = (
                "its own namespace, where its apps run"
                if other == env
                else f"the namespace of environment '{other}' on cluster '{spec['cluster']}'"
            )
            yield rules.BACKUP.finding(
                f"environment '{env}' puts its Velero Schedules in namespace '{namespace}', "
                f"{whose}; set "
                f"`environments.{env}.backups.namespace` to Velero's own namespace (default "
                f"{c.DEFAULT_VELERO_NAMESPACE})",
                doc.position((*at, "namespace"))
                if "namespace" in backups
                else doc.position(at, key=True),
                environment=env,
            )


def check_backups(doc: Located) -> Iterator[Finding]:
    environments = _section(doc, "environments")
    with_backups = {env for env, spec in environments.items() if spec.get("backups")}
    for app, spec in _section(doc, "apps").items():
        backup = spec.get("backup")
        if not isinstance(backup, dict):
            continue
        yield from _schedule(doc, app, str(backup["schedule"]))
        if "ttl" in backup:
            yield from _ttl(doc, app, str(backup["ttl"]))
        yield from _volumes(doc, app, with_backups)
    yield from _velero_namespaces(doc)

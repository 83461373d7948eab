"""Cron schedules as the CronJob controller parses them (robfig/cron's standard parser):
five fields, or a descriptor such as `@daily`. `cron_problem` says what is wrong, or None."""

from __future__ import annotations

import re

DESCRIPTORS = ("@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly")
_EVERY = re.compile(r"^@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$")
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")
# (name, lowest, highest, names for lowest.. )
FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 6, DAYS),
)


def _number(text: str, low: int, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        return int(text)
    if text.upper() in names:
        return names.index(text.upper()) + low
    return None


def _field_problem(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    for item in text.split(","):
        span, _, step = item.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            return f"the step '{step}' of the {name} field is not a positive number"
        if span in ("*", "?"):
            continue
        first, _, last = span.partition("-")
        bounds = [_number(first, low, names)] + ([_number(last, low, names)] if last else [])
        if any(b is None for b in bounds) or not span:
            return f"'{span}' in the {name} field is not a number from {low} to {high}"
        values = [b for b in bounds if b is not None]
        if any(not low <= v <= high for v in values):
            return f"'{span}' in the {name} field is outside {low}-{high}"
        if len(values) == 2 and values[0] > values[1]:
            return f"the range '{span}' in the {name} field runs backwards"
    return None


def cron_problem(schedule: str) -> str | None:
    text = schedule.strip()
    if text.upper().startswith(("TZ=", "CRON_TZ=")):
        return "a time zone inside the schedule is refused; set `job.timeZone` instead"
    if text.startswith("@"):
        if text in DESCRIPTORS or _EVERY.match(text):
            return None
        return f"'{text}' is not a descriptor; use one of {', '.join(DESCRIPTORS)} or '@every 1h'"
    parts = text.split()
    if len(parts) != 5:
        return (
            f"it has {len(parts)} field(s); write five: minute hour day-of-month month "
            "day-of-week, e.g. '30 3 * * *'"
        )
    for part, (name, low, high, names) in zip(parts, FIELDS, strict=True):
        problem = _field_problem(part, name, low, high, names)
        if problem:
            return problem
    return None

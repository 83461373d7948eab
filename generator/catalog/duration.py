"""Durations as Go's time.ParseDuration reads them (Velero's `ttl`): `720h`, `1h30m`, `90s`.

`duration_problem` says what is wrong with one, or None; `nanoseconds` gives its length.
"""

from __future__ import annotations

import re
from fractions import Fraction

# Go's units, in nanoseconds (`µs` and `μs` are the micro sign and the Greek mu).
UNITS = {
    "ns": 1,
    "us": 10**3,
    "µs": 10**3,
    "μs": 10**3,
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}
LONGEST = 2**63 - 1  # a Go time.Duration is an int64 of nanoseconds
_PART = re.compile(r"([0-9]*)(?:\.([0-9]*))?([^0-9.]*)")
_DAYS = re.compile(r"([0-9]+)d")
EXAMPLES = "such as 720h or 168h30m (units h, m, s, ms, us, ns)"


def _parse(text: str) -> Fraction | str:
    """The length in nanoseconds, or what is wrong."""
    if text in ("0", "+0", "-0"):
        return Fraction(0)
    rest = text[1:] if text[:1] in "+-" else text
    sign = -1 if text[:1] == "-" else 1
    if not rest:
        return f"'{text}' is not a Go duration {EXAMPLES}"
    if any(ch.isspace() for ch in text):
        joined = "".join(text.split())
        return f"'{text}' has a space, which a Go duration never has; write '{joined}'"
    total = Fraction(0)
    while rest:
        match = _PART.match(rest)
        assert match is not None  # every part of the pattern may be empty
        whole, fraction, unit = match.group(1), match.group(2), match.group(3)
        if not whole and not fraction:
            return f"'{text}' is not a Go duration {EXAMPLES}"
        if not unit:
            return f"'{text}' has a number without a unit; write a Go duration {EXAMPLES}"
        if unit not in UNITS:
            days = _DAYS.fullmatch(text)
            if days:
                hours = int(days.group(1)) * 24
                return f"Go durations have no days: write '{hours}h' for {days.group(1)} days"
            return f"'{unit}' in '{text}' is not a unit of a Go duration {EXAMPLES}"
        number = Fraction(int(whole or "0"))
        if fraction:
            number += Fraction(int(fraction), 10 ** len(fraction))
        total += number * UNITS[unit]
        rest = rest[match.end() :]
    if total > LONGEST:
        return f"'{text}' is longer than a Go duration can be (about 292 years)"
    return sign * total


def duration_problem(text: str) -> str | None:
    parsed = _parse(text)
    return parsed if isinstance(parsed, str) else None


def nanoseconds(text: str) -> int:
    """The length of a valid duration (see duration_problem), rounded down."""
    parsed = _parse(text)
    if isinstance(parsed, str):
        raise ValueError(parsed)
    return int(parsed)

"""Kubernetes resource quantities (`250m`, `1.5Gi`, `1e3`) as exact fractions, and back.

The grammar is apimachinery's `resource.Quantity`:

    quantity ::= sign? number suffix
    number   ::= digits | digits "." digits? | "." digits
    suffix   ::= "" | n | u | m | k | M | G | T | P | E      (powers of 1000)
               | Ki | Mi | Gi | Ti | Pi | Ei                 (powers of 1024)
               | (e | E) sign? digits                        (powers of 10)

Values are kept exact (`Fraction`), so sums over many replicas never drift. YAML numbers
(`cpu: 1`, `cpu: 0.5`) are accepted as the API server accepts them.
"""

from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache

_NUMBER = re.compile(r"([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)", re.DOTALL)
_EXPONENT = re.compile(r"[eE]([+-]?\d+)")

DECIMAL_SUFFIXES: dict[str, int] = {
    "n": -9,
    "u": -6,
    "m": -3,
    "": 0,
    "k": 3,
    "M": 6,
    "G": 9,
    "T": 12,
    "P": 15,
    "E": 18,
}
BINARY_SUFFIXES: dict[str, int] = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}


class QuantityError(ValueError):
    """A value that is not a Kubernetes quantity."""


def _multiplier(suffix: str) -> Fraction:
    if suffix in BINARY_SUFFIXES:
        return Fraction(2 ** BINARY_SUFFIXES[suffix])
    if suffix in DECIMAL_SUFFIXES:
        return Fraction(10) ** DECIMAL_SUFFIXES[suffix]
    exponent = _EXPONENT.fullmatch(suffix)
    if exponent is None:
        raise QuantityError(f"unknown suffix {suffix!r}")
    return Fraction(10) ** int(exponent.group(1))


def parse_quantity(value: object) -> Fraction:
    """The exact value of a quantity given as a string or a YAML number.

    Raises QuantityError (a ValueError) for anything else, booleans included.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise QuantityError(f"{value!r} is not a quantity")
    return _parsed(repr(value) if isinstance(value, float) else str(value))


@lru_cache(maxsize=4096)  # a catalog spells its quantities a few ways, each many times
def _parsed(text: str) -> Fraction:
    match = _NUMBER.fullmatch(text)
    if match is None:
        raise QuantityError(f"{text!r} is not a quantity")
    sign, number, suffix = match.groups()
    try:
        magnitude = Fraction(number) * _multiplier(suffix)
    except QuantityError:
        raise QuantityError(f"{text!r} is not a quantity: unknown suffix {suffix!r}") from None
    return -magnitude if sign == "-" else magnitude


def _decimal_digits(value: Fraction, places: int) -> str | None:
    """`value` written with at most `places` decimals, or None when that is not exact."""
    scaled = value * 10**places
    if scaled.denominator != 1:
        return None
    whole, fraction = divmod(scaled.numerator, 10**places)
    if fraction == 0:
        return str(whole)
    return f"{whole}.{str(fraction).rjust(places, '0').rstrip('0')}"


def _binary(value: Fraction) -> str | None:
    for suffix, power in sorted(BINARY_SUFFIXES.items(), key=lambda item: -item[1]):
        scaled = value / 2**power
        digits = _decimal_digits(scaled, 3) if scaled >= 1 else None
        if digits is not None:
            return digits + suffix
    return None


def _decimal(value: Fraction) -> str:
    if value.denominator == 1:
        for suffix in ("E", "P", "T", "G", "M", "k"):
            if value.numerator % 10 ** DECIMAL_SUFFIXES[suffix] == 0:
                return f"{value.numerator // 10 ** DECIMAL_SUFFIXES[suffix]}{suffix}"
        return str(value.numerator)
    for suffix in ("m", "u", "n"):
        scaled = value * 10 ** -DECIMAL_SUFFIXES[suffix]
        if scaled.denominator == 1:
            return f"{scaled.numerator}{suffix}"
    # finer than a nanounit: Kubernetes rounds such values up to the next nanounit
    nanos = -((-value.numerator * 10**9) // value.denominator)
    return f"{nanos}n"


def format_quantity(value: Fraction | int, *, binary: bool = False) -> str:
    """A short, exact quantity string for messages: `4`, `3250m`, `1.5Gi`, `512Mi`.

    Whole numbers keep a decimal suffix only when it is exact (`2000` -> `2k`); fractions
    use milli, micro or nano units. With `binary` (memory, storage) the largest binary suffix
    that states the value in at most three decimals is used (`3328Mi` -> `3.25Gi`) unless the
    decimal form is shorter (`1G`).
    """
    amount = Fraction(value)
    if amount < 0:
        return "-" + format_quantity(-amount, binary=binary)
    if amount == 0:
        return "0"
    decimal = _decimal(amount)
    written = _binary(amount) if binary else None
    return written if written is not None and len(written) <= len(decimal) else decimal

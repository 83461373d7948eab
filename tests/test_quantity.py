from fractions import Fraction

import pytest

from generator.k8s.quantity import QuantityError, format_quantity, parse_quantity


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("250m", Fraction(1, 4)),
        ("1", Fraction(1)),
        ("0.5", Fraction(1, 2)),
        (".5", Fraction(1, 2)),
        ("5.", Fraction(5)),
        ("+2", Fraction(2)),
        ("-1k", Fraction(-1000)),
        ("100n", Fraction(1, 10_000_000)),
        ("1u", Fraction(1, 1_000_000)),
        ("2M", Fraction(2_000_000)),
        ("1G", Fraction(10**9)),
        ("3T", Fraction(3 * 10**12)),
        ("1P", Fraction(10**15)),
        ("1E", Fraction(10**18)),
        ("1Ki", Fraction(1024)),
        ("256Mi", Fraction(256 * 2**20)),
        ("1.5Gi", Fraction(3 * 2**29)),
        ("2Ti", Fraction(2 * 2**40)),
        ("1Pi", Fraction(2**50)),
        ("1Ei", Fraction(2**60)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("12e-3", Fraction(12, 1000)),
        ("1.5e+2", Fraction(150)),
        (1, Fraction(1)),
        (0.5, Fraction(1, 2)),
        (1e-05, Fraction(1, 100_000)),
    ],
)
def test_parse(text, value):
    assert parse_quantity(text) == value


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "'lots' is not a quantity"),
        ("", "'' is not a quantity"),
        ("m", "'m' is not a quantity"),
        ("1x", "'1x' is not a quantity: unknown suffix 'x'"),
        ("1 Gi", "'1 Gi' is not a quantity: unknown suffix ' Gi'"),
        ("1gi", "'1gi' is not a quantity: unknown suffix 'gi'"),
        ("1K", "'1K' is not a quantity: unknown suffix 'K'"),
        ("1e", "'1e' is not a quantity: unknown suffix 'e'"),
        (True, "True is not a quantity"),
        (None, "None is not a quantity"),
        ([1], "[1] is not a quantity"),
    ],
)
def test_parse_rejects(value, message):
    with pytest.raises(QuantityError) as error:
        parse_quantity(value)
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("value", "binary", "text"),
    [
        (Fraction(0), False, "0"),
        (Fraction(4), False, "4"),
        (Fraction(9, 2), False, "4500m"),
        (Fraction(13, 4), False, "3250m"),
        (Fraction(1, 10**6), False, "1u"),
        (Fraction(1, 10**8), False, "10n"),
        (Fraction(1, 3 * 10**9), False, "1n"),  # finer than nano rounds up
        (Fraction(2000), False, "2k"),
        (Fraction(1234), False, "1234"),
        (Fraction(-250, 1000), False, "-250m"),
        (Fraction(256 * 2**20), True, "256Mi"),
        (Fraction(3328 * 2**20), True, "3.25Gi"),
        (Fraction(1000 * 2**20), True, "1000Mi"),
        (Fraction(15 * 2**29), True, "7.5Gi"),
        (Fraction(10**9), True, "1G"),
        (Fraction(1536), True, "1536"),  # shorter than 1.5Ki
        (Fraction(1000), True, "1k"),
        (Fraction(123), True, "123"),
        (7, False, "7"),
    ],
)
def test_format(value, binary, text):
    assert format_quantity(value, binary=binary) == text


@pytest.mark.parametrize("text", ["250m", "4", "1500m", "256Mi", "1.5Gi", "1G", "100n", "3Ti"])
def test_format_round_trips(text):
    value = parse_quantity(text)
    assert parse_quantity(format_quantity(value, binary=True)) == value
    assert parse_quantity(format_quantity(value)) == value


def test_a_quantity_read_again_is_the_same_and_an_error_stays_an_error():
    assert parse_quantity("250m") == parse_quantity("250m") == Fraction(1, 4)
    for _ in range(2):
        with pytest.raises(QuantityError, match="'12Qi' is not a quantity: unknown suffix 'Qi'"):
            parse_quantity("12Qi")

"""The hub stores money in whole minor units of the currency, halves rounded away from zero."""

from __future__ import annotations

from decimal import Decimal

import pytest

from chargeshare_hub.tariffs import minor_unit_exponent, to_minor_units


@pytest.mark.parametrize(
    ("amount", "currency", "minor_units"),
    [
        ("12.34", "EUR", 1234),
        ("0.383333", "EUR", 38),
        ("0.385", "EUR", 39),
        ("0.375", "USD", 38),
        ("4.997", "GBP", 500),
        ("0.004999", "CHF", 0),
        ("1234.5", "JPY", 1235),
        ("1234.4", "KRW", 1234),
        ("1.2345", "KWD", 1235),
        ("0.0005", "BHD", 1),
        ("-0.385", "EUR", -39),
        ("0", "EUR", 0),
        ("7", "EUR", 700),
    ],
)
def test_amounts_round_half_up_to_minor_units(amount: str, currency: str, minor_units: int) -> None:
    assert to_minor_units(Decimal(amount), currency) == minor_units


@pytest.mark.parametrize(
    ("currency", "exponent"),
    [
        ("EUR", 2),
        ("USD", 2),
        ("GBP", 2),
        ("CHF", 2),
        ("SEK", 2),
        ("JPY", 0),
        ("KRW", 0),
        ("ISK", 0),
        ("KWD", 3),
        ("BHD", 3),
        ("TND", 3),
    ],
)
def test_minor_unit_exponents(currency: str, exponent: int) -> None:
    assert minor_unit_exponent(currency) == exponent


@pytest.mark.parametrize("currency", ["EURO", "eur", "XXX", "XAU", ""])
def test_an_unknown_currency_is_refused(currency: str) -> None:
    with pytest.raises(ValueError, match="ISO 4217"):
        to_minor_units(Decimal(1), currency)

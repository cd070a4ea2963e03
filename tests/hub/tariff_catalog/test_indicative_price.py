"""The indicative price per kWh: the reference session (10 kWh in one hour at 10 kW, 43.5 A, from 12:00 on a
Wednesday, no parking) priced with the real calculator, per kWh, in minor units incl. VAT when known."""

from __future__ import annotations

import json

import pytest

from chargeshare_hub.tariffs import Tariff
from chargeshare_hub.tariffs.indicative import indicative_price_per_kwh

from .helpers import EXAMPLES


def _example(name: str) -> Tariff:
    return Tariff.from_ocpi(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("tariff_8_simple_025kwh.json", 28),  # 10 x 0.25 = 2.50, +10 % = 2.75 -> 27.5 ct, half up
        ("tariff_9_025kwh_start.json", 34),  # 2.75 + start fee 0.50 +20 % = 3.35
        ("tariff_12_025kwh_min_price.json", 28),  # 2.75 is above the minimum of 0.55
        ("tariff_1_simple_2hour.json", 22),  # one hour at 2.00, +10 %
        ("tariff_13_simple_3hour_5parking.json", 33),  # one hour at 3.00, +10 %; parking never starts
        ("tariff_2_alt_text.json", 20),  # no VAT given: 2.00 excl. VAT
        ("tariff_7_first_hour_kwh_free.json", 18),  # first kWh free, 9 x 0.20, no VAT given
        ("tariff_4_complex.json", 53),  # 2.50 +15 % flat, 43.5 A on a weekday: 2.00/h +20 %: 2.875 + 2.40
        ("tariff_5_free_of_charge.json", 0),
    ],
)
def test_the_worked_tariffs_give_their_price_of_the_reference_session(name: str, expected: int) -> None:
    assert indicative_price_per_kwh(_example(name), "Europe/Berlin") == expected


def test_the_reference_session_is_at_noon_local_time() -> None:
    # 1.00/kWh from 12:00 to 13:00 local, else free: only a session at local noon pays.
    tariff = Tariff.from_ocpi(
        {
            "country_code": "DE",
            "party_id": "CSH",
            "id": "noon",
            "currency": "EUR",
            "elements": [
                {
                    "price_components": [{"type": "ENERGY", "price": 1, "step_size": 1}],
                    "restrictions": {"start_time": "12:00", "end_time": "13:00", "day_of_week": ["WEDNESDAY"]},
                },
                {"price_components": [{"type": "ENERGY", "price": 0, "step_size": 1}]},
            ],
        }
    )

    assert indicative_price_per_kwh(tariff, "Asia/Tokyo") == 100
    assert indicative_price_per_kwh(tariff, "America/New_York") == 100


def test_the_figure_is_in_the_minor_units_of_the_tariffs_currency() -> None:
    tariff = Tariff.from_ocpi(
        {
            "country_code": "JP",
            "party_id": "CSH",
            "id": "yen",
            "currency": "JPY",
            "elements": [{"price_components": [{"type": "ENERGY", "price": 45, "vat": 10, "step_size": 1}]}],
        }
    )

    assert indicative_price_per_kwh(tariff, "Asia/Tokyo") == 50  # 49.5 yen, half up

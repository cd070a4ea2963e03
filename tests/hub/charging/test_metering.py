"""Meter readings become stretches of charging (the register rose) and parking (it stood still)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from chargeshare_hub.charging.metering import stretches
from chargeshare_hub.tariffs import Activity

START = datetime(2024, 1, 10, 11, 0, tzinfo=UTC)


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def test_without_readings_the_whole_session_is_one_charging_stretch() -> None:
    found = stretches(START, 1_000, [], _at(60), 6_000)

    assert [(s.start, s.period.activity, s.period.energy_kwh) for s in found] == [
        (START, Activity.CHARGING, Decimal(5))
    ]


def test_a_still_meter_is_parking_and_a_rising_one_charging() -> None:
    found = stretches(START, 1_000, [(_at(30), 1_000), (_at(90), 4_000)], _at(120), 4_000)

    assert [(s.start, s.period.activity, s.period.duration) for s in found] == [
        (START, Activity.PARKING, timedelta(minutes=30)),
        (_at(30), Activity.CHARGING, timedelta(minutes=60)),
        (_at(90), Activity.PARKING, timedelta(minutes=30)),
    ]


def test_readings_arriving_out_of_order_are_put_in_order() -> None:
    found = stretches(START, 0, [(_at(40), 2_000), (_at(20), 1_000)], _at(60), 3_000)

    assert [s.period.energy_kwh for s in found] == [Decimal(1), Decimal(1), Decimal(1)]


def test_a_reading_lower_than_an_earlier_one_adds_no_energy() -> None:
    found = stretches(START, 0, [(_at(20), 2_000), (_at(40), 500)], _at(60), 3_000)

    assert sum(s.period.energy_kwh for s in found) == Decimal(3)
    assert [s.period.activity for s in found] == [Activity.CHARGING, Activity.PARKING, Activity.CHARGING]


def test_readings_outside_the_session_are_ignored() -> None:
    found = stretches(START, 0, [(_at(-5), 100), (_at(90), 9_000)], _at(60), 2_000)

    assert [(s.period.energy_kwh, s.period.duration) for s in found] == [(Decimal(2), timedelta(minutes=60))]

"""Price and CO2 forecasts from the attributes of the common price integrations' sensors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util

from custom_components.chargeshare.control.model import PriceSlot
from custom_components.chargeshare.control_prices import price_slots

START = datetime(2026, 1, 5, 22, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_nord_pool_raw_today_and_tomorrow() -> None:
    attributes = {
        "raw_today": [{"start": START, "end": START + HOUR, "value": 0.31}],
        "raw_tomorrow": [{"start": (START + HOUR).isoformat(), "end": (START + 2 * HOUR).isoformat(), "value": 0.12}],
    }
    assert price_slots(attributes) == (
        PriceSlot(START, START + HOUR, 0.31),
        PriceSlot(START + HOUR, START + 2 * HOUR, 0.12),
    )


def test_energi_data_service_slots_last_until_the_next() -> None:
    attributes = {
        "raw_today": [{"hour": START + HOUR, "price": 1.5}, {"hour": START, "price": 2.5}],
        "raw_tomorrow": [],
    }
    assert price_slots(attributes) == (
        PriceSlot(START, START + HOUR, 2.5),
        PriceSlot(START + HOUR, START + 2 * HOUR, 1.5),  # the last one lasts an hour
    )


def test_entsoe_prices_as_strings() -> None:
    attributes = {"prices": [{"time": "2026-01-05 22:00:00+00:00", "price": 0.2}, {"time": "bad", "price": 1}]}
    assert price_slots(attributes) == (PriceSlot(START, START + HOUR, 0.2),)


def test_entsoe_prices_per_day() -> None:
    attributes = {
        "prices_today": [{"time": START.isoformat(), "price": "0.2"}],
        "prices_tomorrow": [{"time": (START + HOUR).isoformat(), "price": 0.1}],
    }
    assert [slot.value for slot in price_slots(attributes)] == [0.2, 0.1]


async def test_naive_times_are_local(hass: HomeAssistant) -> None:
    hass.config.set_time_zone("Europe/Berlin")
    naive = datetime(2026, 1, 5, 23, 0)  # noqa: DTZ001 - as some integrations publish them
    slots = price_slots({"raw_today": [{"hour": naive, "price": 1}]})
    assert slots[0].start == START
    assert slots[0].start.tzinfo is not None
    assert dt_util.as_local(slots[0].start).hour == 23


def test_unreadable_or_missing_forecasts_give_no_slots() -> None:
    assert price_slots({}) == ()
    assert price_slots({"raw_today": "not a list"}) == ()
    assert price_slots({"raw_today": [None, {"start": START, "end": START + HOUR, "value": None}]}) == ()
    assert price_slots({"prices": [{"time": START, "price": True}]}) == ()
    # an end before its start is no slot
    assert price_slots({"raw_today": [{"start": START, "end": START - HOUR, "value": 1}]}) == ()

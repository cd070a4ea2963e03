"""Scheduled mode: the energy still missing by departure, in the best hours or as late as possible."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.model import (
    ChargerLimits,
    ChargerReading,
    Mode,
    PriceKind,
    PriceSlot,
    Settings,
)
from custom_components.chargeshare.control.schedule import plan_charging

from .drive import START, at, charger_drawing, site

POWER_W = 3680.0  # 16 A on one phase
HOUR = timedelta(hours=1)
DEPARTURE = START + 8 * HOUR  # 18:00 UTC, the plan's clock in the departure's zone


def slots(*values: float) -> tuple[PriceSlot, ...]:
    """One slot an hour from START."""
    return tuple(
        PriceSlot(START + index * HOUR, START + (index + 1) * HOUR, value) for index, value in enumerate(values)
    )


@pytest.mark.parametrize(
    ("energy_kwh", "prices", "kind", "description"),
    [
        (7.36, (), PriceKind.PRICE, "plan: 7.4 kWh 16:00-18:00 (as late as possible)"),
        (
            7.36,
            slots(30, 10, 40, 12, 50, 50, 50, 50),
            PriceKind.PRICE,
            "plan: 7.4 kWh 11:00-12:00, 13:00-14:00 (cheapest)",
        ),
        (
            7.36,
            slots(30, 10, 10, 10, 50, 50, 50, 50),
            PriceKind.CO2,
            "plan: 7.4 kWh 12:00-14:00 (greenest)",
        ),  # ties: later
        (
            5.52,
            slots(30, 10, 40, 12, 50, 50, 50, 50),
            PriceKind.PRICE,
            "plan: 5.5 kWh 11:00-12:00, 13:30-14:00 (cheapest)",
        ),
        (3.68, slots(50, 50), PriceKind.PRICE, "plan: 3.7 kWh 11:00-12:00 (cheapest)"),  # unpriced hours come last
        (36.8, (), PriceKind.PRICE, "plan: 36.8 kWh 10:00-20:00 (not enough time: needs 10 h)"),
    ],
)
def test_plans(energy_kwh: float, prices: tuple[PriceSlot, ...], kind: PriceKind, description: str) -> None:
    plan = plan_charging(START, DEPARTURE, energy_kwh, POWER_W, prices=prices, kind=kind)
    assert plan.describe(DEPARTURE) == description


def test_a_long_plan_shows_its_first_windows() -> None:
    prices = slots(10, 50, 10, 50, 10, 50, 10, 50)
    plan = plan_charging(START, DEPARTURE, 14.72, POWER_W, prices=prices, kind=PriceKind.PRICE)
    assert plan.describe(DEPARTURE) == "plan: 14.7 kWh 10:00-11:00, 12:00-13:00, 14:00-15:00, ... (cheapest)"


def scheduled(energy_kwh: float | None, departure_in_h: float | None, **fields: object) -> Controller:
    departure = None if departure_in_h is None else START + departure_in_h * HOUR
    settings = Settings(mode=Mode.SCHEDULED, target_energy_kwh=energy_kwh, departure=departure, **fields)  # type: ignore[arg-type]
    return Controller(settings, ChargerLimits(max_phases=1))


def plugged(delivered_kwh: float = 0.0) -> ChargerReading:
    return ChargerReading(True, False, False, 0.0, 1, session_energy_kwh=delivered_kwh)


@pytest.mark.parametrize(
    ("seconds", "enabled", "reason"),
    [
        (0, False, "plan: 7.4 kWh 16:00-18:00 (as late as possible)"),
        (6 * 3600, True, "plan: 7.4 kWh 16:00-18:00 (as late as possible): charging at 16 A"),
    ],
)
def test_scheduled_waits_for_its_window_then_charges_at_full_power(seconds: float, enabled: bool, reason: str) -> None:
    decision = scheduled(7.36, 8).update(at(seconds), site(0, seconds), plugged())
    assert (decision.enabled, decision.reason) == (enabled, reason)


def test_scheduled_charges_in_the_cheapest_slot() -> None:
    controller = scheduled(3.68, 8, prices=slots(30, 10, 40, 40, 40, 40, 40, 40))
    assert not controller.update(at(0), site(0, 0), plugged()).enabled
    assert controller.update(at(3600), site(0, 3600), plugged()).enabled


@pytest.mark.parametrize(
    ("energy_kwh", "departure_in_h", "delivered_kwh", "reason"),
    [
        (None, 8, 0.0, "scheduled: set a target energy and a departure"),
        (7.0, None, 0.0, "scheduled: set a target energy and a departure"),
        (7.0, 8, 7.0, "target of 7.0 kWh reached"),
    ],
)
def test_scheduled_without_anything_to_do(
    energy_kwh: float | None, departure_in_h: float | None, delivered_kwh: float, reason: str
) -> None:
    decision = scheduled(energy_kwh, departure_in_h).update(at(0), site(0, 0), plugged(delivered_kwh))
    assert (decision.enabled, decision.reason) == (False, reason)


def test_a_passed_departure_charges_what_is_missing_now() -> None:
    decision = scheduled(7.0, -1).update(at(0), None, plugged(2.0))
    assert decision.enabled
    assert decision.reason.endswith("(not enough time: needs 82 min): charging at 16 A")


def test_scheduled_with_a_silent_meter_and_a_fuse_starts_nothing() -> None:
    decision = scheduled(7.36, 1, fuse_a=25.0).update(at(0), None, charger_drawing(0, 1))
    assert (decision.enabled, decision.reason) == (False, "no meter reading: paused")


def test_past_and_overlapping_forecast_slots_are_ignored() -> None:
    past = PriceSlot(START - 2 * HOUR, START - HOUR, 1.0)
    overlapping = PriceSlot(START + HOUR / 2, START + HOUR, 1.0)  # inside the first hour, already covered
    plan = plan_charging(
        START, DEPARTURE, 3.68, POWER_W, prices=(past, *slots(10, 50), overlapping), kind=PriceKind.PRICE
    )
    assert plan.describe(DEPARTURE) == "plan: 3.7 kWh 10:00-11:00 (cheapest)"


def test_hours_before_the_forecast_begins_count_as_the_worst() -> None:
    later = PriceSlot(START + 6 * HOUR, START + 7 * HOUR, 99.0)
    plan = plan_charging(START, DEPARTURE, 7.36, POWER_W, prices=(later,), kind=PriceKind.PRICE)
    assert plan.describe(DEPARTURE) == "plan: 7.4 kWh 16:00-18:00 (cheapest)"  # the priced hour, then the latest

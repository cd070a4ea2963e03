"""Currents on the charger's steps, the range both host and charger accept, and what the car draws."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.electric import (
    CurrentRange,
    active_phases,
    car_power_w,
    ceil_to_step,
    floor_to_step,
)
from custom_components.chargeshare.control.model import ChargerLimits, ChargerReading, Settings

from .drive import charger_drawing


@pytest.mark.parametrize(
    ("value_a", "step_a", "down_a", "up_a"),
    [
        (7.9, 1.0, 7.0, 8.0),
        (7.0, 1.0, 7.0, 7.0),
        (6.9999999, 1.0, 7.0, 7.0),  # float noise is not a lost step
        (7.46, 0.1, 7.4, 7.5),
        (7.4567, 0.001, 7.456, 7.457),
    ],
)
def test_rounding_to_the_chargers_steps(value_a: float, step_a: float, down_a: float, up_a: float) -> None:
    assert floor_to_step(value_a, step_a) == down_a
    assert ceil_to_step(value_a, step_a) == up_a


@pytest.mark.parametrize(
    ("settings", "limits", "expected"),
    [
        (Settings(), ChargerLimits(), CurrentRange(6.0, 16.0, 1.0)),
        (Settings(min_current_a=8, max_current_a=32), ChargerLimits(), CurrentRange(8.0, 16.0, 1.0)),
        (Settings(min_current_a=6.25), ChargerLimits(resolution_a=0.5), CurrentRange(6.5, 16.0, 0.5)),
        (Settings(min_current_a=6.5, max_current_a=6.9), ChargerLimits(), None),
        (Settings(min_current_a=10, max_current_a=8), ChargerLimits(), None),
    ],
)
def test_the_range_both_the_host_and_the_charger_accept(
    settings: Settings, limits: ChargerLimits, expected: CurrentRange | None
) -> None:
    assert CurrentRange.of(settings, limits) == expected


def test_clamp_rounds_down_into_the_range() -> None:
    current_range = CurrentRange(6.0, 16.0, 1.0)
    assert [current_range.clamp(value) for value in (2.0, 9.7, 40.0)] == [6.0, 9.0, 16.0]


def test_car_power_from_the_meter_else_from_the_phase_currents() -> None:
    assert car_power_w(charger_drawing(10, 1)) == 2300
    no_meter = ChargerReading(True, True, True, 10, 3, currents_a=(10.0, 10.0, 10.0), power_w=0.0)
    assert car_power_w(no_meter) == 6900


def test_a_one_phase_car_on_a_three_phase_charger_uses_one_phase() -> None:
    one_phase_car = ChargerReading(True, True, True, 10, 3, currents_a=(10.0, 0.0, 0.0), power_w=2300)
    assert active_phases(one_phase_car, 3) == 1
    assert active_phases(charger_drawing(10, 3), 3) == 3
    assert active_phases(charger_drawing(0, 3, enabled=True), 3) == 3  # not drawing yet: as commanded

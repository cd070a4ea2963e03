"""The power available for the car at the grid point: car draw minus grid, battery and residual (surplus.py)."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.model import Settings, SiteReading
from custom_components.chargeshare.control.surplus import available_power_w

from .drive import at


@pytest.mark.parametrize(
    ("grid_w", "car_w", "battery_w", "soc", "priority_soc", "residual_w", "available_w"),
    [
        (0, 0, None, None, None, 0, 0),  # balanced, car idle: nothing to spare
        (-2000, 0, None, None, None, 0, 2000),  # exporting 2 kW
        (500, 1840, None, None, None, 0, 1340),  # the car's own draw is part of the import: add it back
        (-1000, 0, -2000, 80, None, 0, 3000),  # a charging battery's power is the car's too
        (-1000, 0, -2000, 80, 90, 0, 1000),  # ... unless below the priority SoC: it keeps charging
        (-1000, 0, -2000, 95, 90, 0, 3000),  # above the priority SoC the car comes first again
        (-1000, 0, -2000, None, 90, 0, 1000),  # unknown SoC with a priority: the battery first
        (0, 1380, 800, 50, None, 0, 580),  # a discharging battery is a deficit: the car must not drain it
        (0, 1380, 800, 50, 90, 0, 580),  # ... priority or not
        (-1000, 0, None, None, None, 100, 900),  # the residual margin stays exported
    ],
)
def test_available_power(
    grid_w: float,
    car_w: float,
    battery_w: float | None,
    soc: float | None,
    priority_soc: float | None,
    residual_w: float,
    available_w: float,
) -> None:
    site = SiteReading(grid_w=grid_w, updated_at=at(0), battery_w=battery_w, battery_soc=soc)
    settings = Settings(battery_priority_soc=priority_soc, residual_w=residual_w)
    assert available_power_w(site, car_w, settings) == available_w

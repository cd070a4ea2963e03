"""The power available for the car at the grid connection point.

Signs as in model.py: grid + = import, battery + = discharging. At the grid point

    grid = house + car + battery charging - battery discharging - PV

so the power the car could draw without importing, if everything else stays as it is, is

    available = car - grid - battery - residual

- `car` is the car's *measured* power (not the offered current): the car's own draw is part of `grid`, so
  adding it back gives the whole budget however far the car lags behind its last setpoint.
- A discharging battery (battery > 0) covers load the grid would otherwise supply: it is a deficit, and
  the car must not drain the home battery.
- A charging battery (battery < 0) stores power the car could take: it counts as available, as in evcc,
  unless its state of charge is below `battery_priority_soc`; then the battery keeps its charging power
  and only true export is available. An unknown SoC with a priority set counts as below it.
- `residual_w` is an export margin the host keeps at the grid point.
- PV adds nothing once the grid meter is known: the grid already nets PV against the house, so it is
  not used here.

The latest reading is used as it is. Smoothing (a moving minimum over 30 s for increases) was measured on
the solar benchmark's real month: it exported more (surplus used 0.630 instead of 0.637 at 1 phase) and saved
no import, because the write interval and the deadband (regulation.py) already keep the car from chasing
short spikes.
"""

from __future__ import annotations

from .model import Settings, SiteReading


def battery_keeps_charging(site: SiteReading, settings: Settings) -> bool:
    """Below the priority SoC the home battery charges first."""
    if settings.battery_priority_soc is None:
        return False
    return site.battery_soc is None or site.battery_soc < settings.battery_priority_soc


def available_power_w(site: SiteReading, car_w: float, settings: Settings) -> float:
    """What the car may draw without importing (see the module's docstring for the derivation)."""
    battery_w = site.battery_w or 0.0
    if battery_w < 0 and battery_keeps_charging(site, settings):
        battery_w = 0.0
    return car_w - site.grid_w - battery_w - settings.residual_w

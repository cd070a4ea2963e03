"""The bounds the solar benchmark measures controllers between (shared/reference/solar.md §5.1).

- InstantOracle: the car takes clamp(surplus, min power, max power) at every instant, nothing below the
  minimum, on the better phase count where the charger can switch, in the charger's current steps (rounded
  down: it never imports). Run on an ideal plant (no meter or car delay) with fine steps it is the upper
  bound of what tracking can use; with the charger's own steps (whole amps), the bound for that charger.
- ChargeNow: the maximum current whenever a car is plugged in, on all phases (the "dumb" charger).
"""

from __future__ import annotations

from datetime import datetime
import math

from bench.solar_sim import ROUNDING_SLACK
from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    SiteReading,
)


def _idle(charger: ChargerReading) -> Decision:
    return Decision(enabled=False, current_a=0.0, phases=charger.phases, reason="no car", surplus_w=None, write=True)


class InstantOracle:
    def __init__(self, limits: ChargerLimits) -> None:
        self._limits = limits

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        if site is None or not charger.connected:
            return _idle(charger)
        # grid = house + EV - PV, so PV - house is the EV's power less the grid's.
        surplus_w = charger.power_w - site.grid_w
        phase_choices = (1, 3) if self._limits.phase_switching else (self._limits.max_phases,)
        best = None
        steps_a = self._limits.resolution_a
        for phases in phase_choices:
            current_a = min(surplus_w / (VOLTAGE_V * phases), self._limits.max_a)
            current_a = math.floor(current_a / steps_a + ROUNDING_SLACK) * steps_a
            if current_a >= self._limits.min_a and (best is None or current_a * phases > best[0] * best[1]):
                best = (current_a, phases)
        if best is None:
            return Decision(False, 0.0, charger.phases, "below minimum power", surplus_w, write=True)
        return Decision(True, best[0], best[1], "tracking", surplus_w, write=True)


class ChargeNow:
    def __init__(self, limits: ChargerLimits) -> None:
        self._limits = limits

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        if not charger.connected:
            return _idle(charger)
        return Decision(True, self._limits.max_a, self._limits.max_phases, "charge now", None, write=True)

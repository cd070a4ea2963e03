"""Power and current: conversions at the nominal voltage, the charger's current steps and its usable range."""

from __future__ import annotations

from dataclasses import dataclass
import math

from .model import VOLTAGE_V, ChargerLimits, ChargerReading, Settings

# Float noise such as 6.9999999 must not cost a whole step when rounding down.
STEP_SLACK = 1e-6
# A phase carries the car's current above this (as evcc counts active phases).
ACTIVE_PHASE_A = 1.0


def power_w(current_a: float, phases: int) -> float:
    """The power `current_a` on each of `phases` phases draws."""
    return current_a * VOLTAGE_V * phases


def current_a(power: float, phases: int) -> float:
    """The current per phase that draws `power` on `phases` phases."""
    return power / (VOLTAGE_V * phases)


def floor_to_step(value_a: float, step_a: float) -> float:
    """Round down to the charger's step: rounding up would import the difference from the grid."""
    return round(math.floor(value_a / step_a + STEP_SLACK) * step_a, 6)


def ceil_to_step(value_a: float, step_a: float) -> float:
    """Round up to the charger's step: for lower bounds, which must stay bounds after rounding."""
    return round(math.ceil(value_a / step_a - STEP_SLACK) * step_a, 6)


@dataclass(frozen=True, slots=True)
class CurrentRange:
    """The currents both the host and the charger accept, on the charger's steps."""

    min_a: float
    max_a: float
    step_a: float

    @classmethod
    def of(cls, settings: Settings, limits: ChargerLimits) -> CurrentRange | None:
        """None when no current satisfies both (the host's minimum above the charger's maximum, say)."""
        step_a = limits.resolution_a
        min_a = ceil_to_step(max(settings.min_current_a, limits.min_a), step_a)
        max_a = floor_to_step(min(settings.max_current_a, limits.max_a), step_a)
        return cls(min_a, max_a, step_a) if min_a <= max_a else None

    def clamp(self, value_a: float) -> float:
        """Within the range, rounded down to a step."""
        return min(max(floor_to_step(value_a, self.step_a), self.min_a), self.max_a)


def car_power_w(charger: ChargerReading) -> float:
    """What the car draws: the charger's power meter, or its phase currents where it reports no power."""
    if charger.power_w > 0:
        return charger.power_w
    return sum(charger.currents_a) * VOLTAGE_V


def active_phases(charger: ChargerReading, commanded: int) -> int:
    """Phases the car really uses: a 1-phase car on a 3-phase charger draws on one only.

    While a switch is under way (the charger still on fewer phases than commanded) the commanded count holds.
    """
    measured = sum(1 for current in charger.currents_a if current > ACTIVE_PHASE_A)
    if charger.charging and charger.phases >= commanded and 0 < measured < commanded:
        return measured
    return commanded

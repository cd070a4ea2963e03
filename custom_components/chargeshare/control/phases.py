"""1 or 3 phases: which the host's policy and the charger allow, and when to switch with the surplus.

Switching interrupts charging (the car stops and restarts), so it has its own thresholds and delays and a
pause (`ChargerLimits.phase_switch_pause_s`) between two switches. Only a charger that can switch and is
wired for 3 phases switches; the policy `auto` switches with the surplus:

- Not charging yet (at a start): at once, whichever the surplus affords: 3 phases from the 3-phase minimum
  power plus `phase_up_threshold_w`, else 1. Below the 3-phase minimum one phase uses surplus that evcc
  would export while it waits (1.4 kW instead of 4.1 kW at 6 A).
- Charging on 1 phase: up once the surplus exceeds both that threshold and what one phase can take at the
  maximum current, for `phase_up_delay_s`.
- Charging on 3 phases: down once the surplus has been short of the 3-phase minimum by more than
  `phase_down_threshold_w` for `phase_down_delay_s`; the delay runs faster the larger the shortfall (as the
  stop delay, hysteresis.py), never slower than the clock: every second on 3 phases below their minimum
  imports, while one phase would not.
- Enabled but the car draws nothing (full, asleep, starting): no switch, which would only wake it for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .electric import CurrentRange, power_w
from .model import ChargerLimits, ChargerReading, PhasePolicy, Settings
from .reasons import duration
from .timers import PacedDelay

# The down switch runs at clock speed for a shortfall of this share of the 3-phase minimum power, faster
# (up to `FASTEST_DOWN_PACE`) for more: a switch costs no start, only a short pause of the car.
SHORTFALL_AT_CLOCK_PACE = 0.1
FASTEST_DOWN_PACE = 6.0
# The up switch likewise runs faster the more surplus one phase leaves unused.
EXCESS_AT_CLOCK_PACE = 0.25
FASTEST_UP_PACE = 4.0


def wired_phases(limits: ChargerLimits) -> int:
    return 3 if limits.max_phases >= 3 else 1


def can_switch(limits: ChargerLimits) -> bool:
    return limits.phase_switching and wired_phases(limits) == 3


def fixed_phases(settings: Settings, limits: ChargerLimits, charger: ChargerReading) -> int | None:
    """The phases when there is no choice to make; None when `auto` may switch."""
    if not can_switch(limits):
        return min(charger.phases, wired_phases(limits))
    if settings.phases is PhasePolicy.ONE:
        return 1
    if settings.phases is PhasePolicy.THREE:
        return 3
    return None


@dataclass(frozen=True, slots=True)
class PhaseChoice:
    phases: int
    note: str | None = None  # a switch on its way, for the reason


class PhaseSelector:
    """Phase switching with the surplus, for a charger that can switch and the policy `auto`."""

    def __init__(self) -> None:
        self._up = PacedDelay()
        self._down = PacedDelay()
        self._seen: int | None = None
        self._switched_at: datetime | None = None

    def observe(self, now: datetime, phases_in_effect: int) -> None:
        """Note the phases in effect each cycle: a change is a switch, and starts the pause."""
        if self._seen is not None and phases_in_effect != self._seen:
            self._switched_at = now
            self._up.reset()
            self._down.reset()
        self._seen = phases_in_effect

    def pausing(self, now: datetime, limits: ChargerLimits) -> bool:
        """Too soon after the last switch for another."""
        if self._switched_at is None:
            return False
        return (now - self._switched_at).total_seconds() < limits.phase_switch_pause_s

    def for_start(
        self,
        now: datetime,
        *,
        available_w: float,
        in_effect: int,
        rng: CurrentRange,
        settings: Settings,
        limits: ChargerLimits,
    ) -> int:
        """At a start: the phases the surplus affords, at once."""
        if self.pausing(now, limits):
            return in_effect
        return 3 if available_w >= power_w(rng.min_a, 3) + settings.phase_up_threshold_w else 1

    def while_charging(
        self,
        now: datetime,
        *,
        available_w: float,
        in_effect: int,
        rng: CurrentRange,
        settings: Settings,
        limits: ChargerLimits,
    ) -> PhaseChoice:
        """While the car charges: switch after the delays."""
        if self.pausing(now, limits):
            return PhaseChoice(in_effect)
        three_phase_min_w = power_w(rng.min_a, 3)
        if in_effect == 3:
            self._up.reset()
            shortfall_w = three_phase_min_w - available_w
            if shortfall_w <= settings.phase_down_threshold_w:
                self._down.reset()
                return PhaseChoice(3)
            pace = min(max(1.0, shortfall_w / (SHORTFALL_AT_CLOCK_PACE * three_phase_min_w)), FASTEST_DOWN_PACE)
            if self._down.advance(now, pace) >= settings.phase_down_delay_s:
                self._down.reset()
                return PhaseChoice(1)
            return PhaseChoice(3, f"1 phase in {duration(self._down.remaining_s(settings.phase_down_delay_s, pace))}")
        self._down.reset()
        wanted_w = max(three_phase_min_w + settings.phase_up_threshold_w, power_w(rng.max_a, 1))
        if available_w <= wanted_w:
            self._up.reset()
            return PhaseChoice(1)
        pace = min(max(1.0, (available_w - wanted_w) / (EXCESS_AT_CLOCK_PACE * three_phase_min_w)), FASTEST_UP_PACE)
        if self._up.advance(now, pace) >= settings.phase_up_delay_s:
            self._up.reset()
            return PhaseChoice(3)
        return PhaseChoice(1, f"3 phases in {duration(self._up.remaining_s(settings.phase_up_delay_s, pace))}")

    def reset(self) -> None:
        """The car left: pending switches end (the pause still holds: it protects the charger)."""
        self._up.reset()
        self._down.reset()

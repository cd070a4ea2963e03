"""An evcc-style reference controller: evcc's "pv" (Solar) mode re-expressed from its published algorithm.

Written from shared/reference/solar.md §1.5 (`pvMaxCurrent`) and §1.6 (`pvScalePhases`), which describe
evcc-io/evcc at commit b29b49e3; no evcc code is copied. evcc's defaults throughout: a 30 s cycle, enable
after 1 min and disable after 3 min, both thresholds 0 W, no residual power, no home battery, and the
current truncated to what the charger takes (whole amps, or finer where evcc's `api.ChargerEx` would apply).
Surplus is read at the grid connection point only: sitePower = grid power, < 0 means export (§1.3).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
import math

from custom_components.chargeshare.control.model import (
    VOLTAGE_V,
    ChargerLimits,
    ChargerReading,
    Decision,
    SiteReading,
)

CYCLE_S = 30.0  # §1.2: default interval
ENABLE_DELAY_S = 60.0  # §1.5 defaults: enable.delay; also the 1p -> 3p timer (§1.6)
DISABLE_DELAY_S = 180.0  # §1.5 defaults: disable.delay; also the 3p -> 1p timer (§1.6)
ENABLE_THRESHOLD_W = 0.0  # 0 W: start when the export affords the minimum current
DISABLE_THRESHOLD_W = 0.0
PHASE_SWITCH_BLOCK_S = 60.0  # §1.6: no phase decision for a minute after a switch
EFFECTIVE_CURRENT_MARGIN_A = 2.0  # §1.5 step 3: lets a car that draws less than offered be raised


class EvccStyle:
    def __init__(self, limits: ChargerLimits) -> None:
        self._limits = limits
        self._phases = limits.max_phases
        self._enabled = False
        self._current_a = 0.0
        self._last_cycle: datetime | None = None
        self._pv_timer_since: datetime | None = None
        self._phase_timer_since: datetime | None = None
        self._phase_timer_target = limits.max_phases
        self._phases_switched_at: datetime | None = None
        self._last = Decision(False, 0.0, self._phases, "waiting", None, write=False)

    def update(self, now: datetime, site: SiteReading | None, charger: ChargerReading) -> Decision:
        if not charger.connected:
            # §1.4: not connected -> 0; the next car starts a fresh cycle and fresh timers.
            self._last_cycle = self._pv_timer_since = self._phase_timer_since = None
            return self._decide(0.0, "no car", None)
        if site is None or (self._last_cycle is not None and (now - self._last_cycle).total_seconds() < CYCLE_S):
            return replace(self._last, write=False)
        self._last_cycle = now
        current_a, reason = self._pv_current(now, site.grid_w, charger)
        return self._decide(current_a, reason, -site.grid_w)

    def _pv_current(self, now: datetime, site_power_w: float, charger: ChargerReading) -> tuple[float, str]:
        """§1.5: the current the PV mode asks for; 0 means disable."""
        min_a, max_a = self._limits.min_a, self._limits.max_a
        if self._limits.phase_switching and self._scale_phases(now, site_power_w, charger) and self._enabled:
            return min_a, f"switched to {self._phases}p"
        phases = self._phases
        effective_a = (
            min(max(charger.currents_a) + EFFECTIVE_CURRENT_MARGIN_A, charger.offered_a) if charger.charging else 0.0
        )
        target_a = max(effective_a + -site_power_w / (VOLTAGE_V * phases), 0.0)
        if self._enabled and target_a < min_a:
            # A running 3p -> 1p timer will shed two phases' minimum power: count on it (§1.5 step 6).
            shed_w = VOLTAGE_V * min_a * (phases - 1) if self._phase_timer_since is not None else 0.0
            if site_power_w - shed_w >= DISABLE_THRESHOLD_W:
                self._pv_timer_since = self._pv_timer_since or now
                if _elapsed(self._pv_timer_since, now) >= DISABLE_DELAY_S:
                    self._pv_timer_since = None
                    return 0.0, "disabled: no surplus for 3 min"
            else:
                self._pv_timer_since = None
            return min_a, "holding minimum current"
        if not self._enabled:
            if ENABLE_THRESHOLD_W == 0 and target_a >= min_a:
                self._pv_timer_since = self._pv_timer_since or now
                if _elapsed(self._pv_timer_since, now) >= ENABLE_DELAY_S:
                    self._pv_timer_since = None
                    return min_a, "enabled: surplus for 1 min"
                return 0.0, "waiting for surplus to last 1 min"
            self._pv_timer_since = None
            return 0.0, "no surplus"
        self._pv_timer_since = None
        return min(target_a, max_a), "tracking surplus"

    def _scale_phases(self, now: datetime, site_power_w: float, charger: ChargerReading) -> bool:
        """§1.6: switch 3p -> 1p after the disable delay, 1p -> 3p after the enable delay; at once when not
        charging. True when the phases changed."""
        if self._phases_switched_at is not None and _elapsed(self._phases_switched_at, now) < PHASE_SWITCH_BLOCK_S:
            return False
        min_a, max_a, max_phases = self._limits.min_a, self._limits.max_a, self._limits.max_phases
        available_w = charger.power_w - site_power_w
        wanted, delay_s = self._phases, 0.0
        if self._phases > 1:
            if (site_power_w > 0 or not self._enabled) and available_w / (VOLTAGE_V * self._phases) < min_a:
                wanted, delay_s = 1, DISABLE_DELAY_S
        elif (
            self._phases < max_phases
            and available_w / VOLTAGE_V > max_a
            and available_w / (VOLTAGE_V * max_phases) >= min_a
        ):
            wanted, delay_s = max_phases, ENABLE_DELAY_S
        if wanted == self._phases:
            self._phase_timer_since = None
            return False
        if self._phase_timer_since is None or self._phase_timer_target != wanted:
            self._phase_timer_since, self._phase_timer_target = now, wanted
        if charger.charging and _elapsed(self._phase_timer_since, now) < delay_s:
            return False
        self._phases = wanted
        self._phase_timer_since = None
        self._phases_switched_at = now
        return True

    def _decide(self, current_a: float, reason: str, surplus_w: float | None) -> Decision:
        """§1.5 setLimit: truncate to the charger's steps; write only what changed; enable at >= minimum."""
        enabled = current_a >= self._limits.min_a
        steps = self._limits.resolution_a
        settled_a = math.floor(current_a / steps + 1e-6) * steps if enabled else 0.0
        write = enabled != self._enabled or settled_a != self._current_a or self._phases != self._last.phases
        self._enabled, self._current_a = enabled, settled_a
        self._last = Decision(enabled, settled_a, self._phases, reason, surplus_w, write=write)
        return self._last


def _elapsed(since: datetime, now: datetime) -> float:
    return (now - since).total_seconds()

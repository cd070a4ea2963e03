"""When solar charging starts and stops: thresholds and delays, so that a passing cloud is not a new start.

Both delays bound energy rather than time. Each runs at a *pace*: 1 is clock speed, 4 runs a 3-minute delay
in 45 s, 1/4 stretches it to 12 minutes. The pace grows with the power that drives the delay:

- Start: the available power has covered the minimum power plus `enable_threshold_w` at every reading for
  `enable_delay_s`, run at the pace of the surplus beyond that over half the minimum power (690 W at 6 A on
  one phase), kept within [1/4, 4]. A sunny spell with twice the minimum starts in 30 s and uses its
  surplus; a marginal one waits longer, since it would soon stop again.
- Stop: the import the car would cause at minimum current (its *deficit*) has exceeded
  `disable_threshold_w` at every reading for `disable_delay_s`, run at the pace of the *square* of the
  deficit over 0.3 of the minimum power, kept within [1/4, 12]. The square makes the stop cheap in import
  where holding is dear and patient where holding is cheap:
  - no surplus at all (deficit = the minimum power): 16 s, about 6 Wh at 1 phase (18 Wh at 3) - evcc holds
    the minimum for the full 3 minutes however deep the deficit, which is most of its grid import
    (solar.md §5.6);
  - a deficit of 0.3 of the minimum power (414 W at 1 phase): the full 3 minutes;
  - a small deficit (below 0.15 of it): up to 12 minutes. Each Wh imported there keeps several Wh of surplus
    in the car, and the stop (and the restart after the cloud) is avoided.
  Measured on the solar benchmark's month against the linear pace it replaces (deficit over a quarter of the
  minimum power, at most 4): 1p/3p surplus used 0.888 (was 0.887), EV import 9.8 kWh (10.3), starts 5.2/day
  (5.3); 3p 0.684 (0.679), 12.3 kWh (12.4), 5.3/day (5.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Settings
from .reasons import duration, kilowatts
from .timers import PacedDelay

EXCESS_AT_CLOCK_PACE = 0.5  # of the minimum charging power
DEFICIT_AT_CLOCK_PACE = 0.3  # of the minimum charging power
SLOWEST_PACE = 0.25
FASTEST_PACE = 4.0
# A deep deficit imports fast: the stop may run 12x faster than the clock (16 s instead of 3 min).
FASTEST_STOP_PACE = 12.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the delay has fired, and what the UI should say meanwhile."""

    fire: bool
    reason: str


def pace(power_w: float, at_clock_pace_w: float) -> float:
    """How fast a delay runs for a surplus beyond the start threshold, or a deficit beyond the stop one."""
    return min(max(power_w / at_clock_pace_w, SLOWEST_PACE), FASTEST_PACE)


def stop_pace(deficit_w: float, min_power_w: float) -> float:
    """How fast the stop delay runs: with the square of the deficit (see the module's docstring)."""
    share = deficit_w / (DEFICIT_AT_CLOCK_PACE * min_power_w)
    return min(max(share * share, SLOWEST_PACE), FASTEST_STOP_PACE)


class StartStop:
    """The two delays of solar charging; only one runs at a time (stopped: start, charging: stop)."""

    def __init__(self) -> None:
        self._start = PacedDelay()
        self._stop = PacedDelay()

    def reset(self) -> None:
        self._start.reset()
        self._stop.reset()

    def check_start(self, now: datetime, available_w: float, min_power_w: float, settings: Settings) -> Verdict:
        """Whether charging may start at `min_power_w` now."""
        self._stop.reset()
        needed_w = min_power_w + settings.enable_threshold_w
        if available_w < needed_w:
            self._start.reset()
            return Verdict(False, f"waiting for {kilowatts(needed_w)} surplus for {duration(settings.enable_delay_s)}")
        start_pace = pace(available_w - needed_w, EXCESS_AT_CLOCK_PACE * min_power_w)
        progress_s = self._start.advance(now, start_pace)
        if progress_s >= settings.enable_delay_s:
            self._start.reset()
            return Verdict(True, f"starting with {kilowatts(available_w)} surplus")
        wait_s = self._start.remaining_s(settings.enable_delay_s, start_pace)
        return Verdict(False, f"{kilowatts(available_w)} surplus: starting in {duration(wait_s)}")

    def check_stop(self, now: datetime, available_w: float, min_power_w: float, settings: Settings) -> Verdict:
        """Whether charging at `min_power_w` must stop now; call only while the surplus is below it."""
        self._start.reset()
        deficit_w = min_power_w - available_w
        if deficit_w <= settings.disable_threshold_w:
            self._stop.reset()
            return Verdict(False, f"{kilowatts(available_w)} surplus: holding the minimum")
        paced = stop_pace(deficit_w, min_power_w)
        progress_s = self._stop.advance(now, paced)
        if progress_s >= settings.disable_delay_s:
            self._stop.reset()
            return Verdict(True, f"stopped: {kilowatts(deficit_w)} short of the minimum")
        wait_s = self._stop.remaining_s(settings.disable_delay_s, paced)
        return Verdict(False, f"{kilowatts(deficit_w)} short of the minimum: stopping in {duration(wait_s)}")

    def surplus_suffices(self) -> None:
        """Charging above the minimum: a stop countdown ends."""
        self._stop.reset()

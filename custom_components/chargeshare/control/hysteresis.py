"""When solar charging starts and stops: thresholds and delays, so that a passing cloud is not a new start.

Both delays bound energy rather than time. Each runs at a *pace*: 1 is clock speed, 4 runs a 3-minute delay
in 45 s, 1/4 stretches it to 12 minutes. The pace is the power that drives the delay over a share of the
minimum charging power, kept within [1/4, 4]:

- Start: the available power has covered the minimum power plus `enable_threshold_w` at every reading for
  `enable_delay_s`, run at the pace of the surplus beyond that over half the minimum power (690 W at 6 A on
  one phase). A sunny spell with twice the minimum starts in 30 s and uses its surplus; a marginal one waits
  longer, since it would soon stop again - which is how starts stay at evcc's number although stops come
  sooner.
- Stop: the import the car would cause at minimum current (its *deficit*) has exceeded
  `disable_threshold_w` at every reading for `disable_delay_s`, run at the pace of the deficit over a
  quarter of the minimum power (345 W). With no surplus at all the car stops after 45 s: evcc holds the
  minimum current for the full 3 minutes however deep the deficit, which is most of its grid import
  (solar.md §5.6). A small deficit runs the delay slower
  (up to 12 minutes): the car keeps using the surplus there is at a small cost in import, and a stop followed
  by a restart (car and contactor wear) is avoided.

So a stop imports about `disable_delay_s` x a quarter of the minimum power (17 Wh at 1 phase), where evcc's
imports up to the whole minimum power for the whole delay (69 Wh).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .model import Settings
from .reasons import duration, kilowatts
from .timers import PacedDelay

DEFICIT_AT_CLOCK_PACE = 0.25  # of the minimum charging power
EXCESS_AT_CLOCK_PACE = 0.5  # of the minimum charging power
SLOWEST_PACE = 0.25
FASTEST_PACE = 4.0


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether the delay has fired, and what the UI should say meanwhile."""

    fire: bool
    reason: str


def pace(power_w: float, at_clock_pace_w: float) -> float:
    """How fast a delay runs for a surplus beyond the start threshold, or a deficit beyond the stop one."""
    return min(max(power_w / at_clock_pace_w, SLOWEST_PACE), FASTEST_PACE)


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
        stop_pace = pace(deficit_w, DEFICIT_AT_CLOCK_PACE * min_power_w)
        progress_s = self._stop.advance(now, stop_pace)
        if progress_s >= settings.disable_delay_s:
            self._stop.reset()
            return Verdict(True, f"stopped: {kilowatts(deficit_w)} short of the minimum")
        wait_s = self._stop.remaining_s(settings.disable_delay_s, stop_pace)
        return Verdict(False, f"{kilowatts(deficit_w)} short of the minimum: stopping in {duration(wait_s)}")

    def surplus_suffices(self) -> None:
        """Charging above the minimum: a stop countdown ends."""
        self._stop.reset()

"""A delay that fires once its condition has held long enough, at whatever cadence it is asked.

The caller reports every cycle whether the condition holds; progress accumulates the time between reports.
A pace other than 1 lets the same delay run faster or slower than the clock: the stop delay runs faster the
more the car imports (see hysteresis.py), so that the delay bounds energy rather than time.
"""

from __future__ import annotations

from datetime import datetime


class PacedDelay:
    """Seconds of (paced) progress since the condition started to hold; reset as soon as it does not."""

    def __init__(self) -> None:
        self._progress_s = 0.0
        self._last: datetime | None = None

    @property
    def running(self) -> bool:
        return self._last is not None

    @property
    def progress_s(self) -> float:
        return self._progress_s

    def advance(self, now: datetime, pace: float = 1.0) -> float:
        """The condition holds at `now`: count the time since the last report at `pace`; return the progress."""
        if self._last is not None:
            # A clock that steps back must not undo progress.
            self._progress_s += max(0.0, (now - self._last).total_seconds()) * pace
        self._last = now
        return self._progress_s

    def remaining_s(self, delay_s: float, pace: float = 1.0) -> float:
        """Clock seconds until `delay_s` is reached at `pace`."""
        return max(0.0, delay_s - self._progress_s) / pace

    def reset(self) -> None:
        self._progress_s = 0.0
        self._last = None

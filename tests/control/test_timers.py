"""A delay counts clock time between reports, at a pace, whatever the cadence (timers.py)."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.timers import PacedDelay

from .drive import at


@pytest.mark.parametrize(
    ("reports", "pace", "progress_s"),
    [
        ([0], 1.0, 0.0),  # the first report starts it
        ([0, 5, 10, 60], 1.0, 60.0),  # every 5 s, then a gap: the clock counts, not the calls
        ([0, 60], 1.0, 60.0),
        ([0, 30, 60], 4.0, 240.0),
        ([0, 60], 0.25, 15.0),
        ([0, 60, 30], 1.0, 60.0),  # a clock stepping back undoes nothing
    ],
)
def test_progress(reports: list[float], pace: float, progress_s: float) -> None:
    delay = PacedDelay()
    for seconds in reports:
        delay.advance(at(seconds), pace)
    assert delay.running
    assert delay.progress_s == progress_s


def test_remaining_and_reset() -> None:
    delay = PacedDelay()
    delay.advance(at(0))
    delay.advance(at(20), 2.0)
    assert delay.remaining_s(60.0, 2.0) == 10.0
    assert delay.remaining_s(30.0) == 0.0
    delay.reset()
    assert not delay.running
    assert delay.progress_s == 0.0

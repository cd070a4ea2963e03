"""The UI's numbers (reasons.py)."""

from __future__ import annotations

from datetime import timedelta, timezone

import pytest

from custom_components.chargeshare.control.reasons import amps, clock, duration, kilowatts

from .drive import at


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "0 s"), (45, "45 s"), (89, "89 s"), (120, "2 min"), (3600, "60 min"), (5400, "1 h 30 min"), (7200, "2 h")],
)
def test_duration(seconds: float, text: str) -> None:
    assert duration(seconds) == text


def test_numbers() -> None:
    assert kilowatts(1380) == "1.4 kW"
    assert amps(8) == "8 A"
    assert amps(7.46) == "7.5 A"
    assert clock(at(0), timezone(timedelta(hours=2))) == "12:00"

"""Following the surplus while charging: down at once, up by a deadband and a ramp limit (regulation.py)."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.regulation import follow_surplus


@pytest.mark.parametrize(
    ("from_a", "available_w", "phases", "step_a", "expected_a"),
    [
        (8.0, 1840.0, 1, 1.0, 8.0),  # exactly affordable: hold
        (8.0, 1839.0, 1, 1.0, 7.0),  # a watt short: down to the step below, never round up into import
        (8.0, 1000.0, 1, 1.0, 4.0),  # down all the way at once (the caller decides about the minimum)
        (8.0, 2070.0, 1, 1.0, 9.0),  # one whole step up
        (8.0, 2060.0, 1, 1.0, 8.0),  # 8.96 A: the next step is not yet paid for
        (8.0, 1900.0, 1, 0.1, 8.0),  # 8.26 A on a fine charger: inside the 0.5 A deadband, no write
        (8.0, 1960.0, 1, 0.1, 8.5),  # 8.52 A: past the deadband, to the fine step below
        (8.0, 1830.0, 1, 0.1, 7.9),  # 7.96 A: a decrease is never held back by the deadband
        (6.0, 5000.0, 1, 1.0, 12.0),  # 21 A affordable: at most 6 A more per write
        (6.0, 5000.0, 3, 1.0, 7.0),  # the same power over three phases
    ],
)
def test_follow_surplus(from_a: float, available_w: float, phases: int, step_a: float, expected_a: float) -> None:
    assert follow_surplus(from_a, available_w, phases, step_a) == expected_a

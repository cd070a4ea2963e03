"""Following the surplus while charging: down at once, up by a deadband and a ramp limit (regulation.py)."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.regulation import affordable_current_a, follow_surplus


@pytest.mark.parametrize(
    ("from_a", "available_w", "phases", "step_a", "expected_a"),
    [
        (8.0, 1840.0, 1, 1.0, 8.0),  # exactly affordable: hold
        (8.0, 1839.0, 1, 1.0, 8.0),  # a watt short of 8 A: 7.996 A rounds up (see the rounding-up rule)
        (8.0, 1780.0, 1, 1.0, 7.0),  # 7.74 A: too far from 8 A, down to the step below
        (8.0, 1000.0, 1, 1.0, 4.0),  # down all the way at once (the caller decides about the minimum)
        (8.0, 2070.0, 1, 1.0, 9.0),  # one whole step up
        (8.0, 2060.0, 1, 1.0, 9.0),  # 8.96 A: nearly paid for, round up
        (8.0, 2000.0, 1, 1.0, 8.0),  # 8.70 A: the next step is not yet paid for enough
        (8.0, 1900.0, 1, 0.1, 8.0),  # 8.26 A on a fine charger: inside the 0.5 A deadband, no write
        (8.0, 1960.0, 1, 0.1, 8.5),  # 8.52 A: past the deadband, to the fine step below
        (8.0, 1830.0, 1, 0.1, 7.9),  # 7.96 A: a decrease is never held back by the deadband
        (6.0, 5000.0, 1, 1.0, 12.0),  # 21 A affordable: at most 6 A more per write
        (6.0, 5000.0, 3, 1.0, 7.0),  # the same power over three phases
    ],
)
def test_follow_surplus(from_a: float, available_w: float, phases: int, step_a: float, expected_a: float) -> None:
    assert follow_surplus(from_a, available_w, phases, step_a) == expected_a


@pytest.mark.parametrize(
    ("available_w", "phases", "step_a", "expected_a"),
    [
        (3 * 230 * 7.89, 3, 1.0, 7.0),  # 0.89 of the next amp: rounding up would import too much of it
        (3 * 230 * 7.9, 3, 1.0, 8.0),  # 0.9 of it: buy the rest (69 W) from the grid for 621 W of surplus
        (3 * 230 * 7.0, 3, 1.0, 7.0),  # exact
        (230 * 7.99, 1, 0.1, 7.9),  # fine steps always round down: their remainder is worth little
        (230 * 5.92, 1, 1.0, 6.0),  # up to the minimum too: the car starts or holds without a stop delay
        (-500.0, 1, 1.0, -3.0),  # import (-2.17 A): negative either way, the caller stops or holds the minimum
    ],
)
def test_coarse_steps_round_up_when_the_surplus_nearly_pays_for_the_next(
    available_w: float, phases: int, step_a: float, expected_a: float
) -> None:
    assert affordable_current_a(available_w, phases, step_a) == expected_a

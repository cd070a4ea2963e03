"""A silent meter fails safe: nothing is raised or started; solar pauses, other modes hold the minimum."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.model import ChargerLimits, Mode, Settings

from .drive import at, charger_drawing, site

CHARGING_10_A = charger_drawing(10, 1)


@pytest.mark.parametrize(
    ("mode", "fuse_a", "enabled", "current_a", "reason", "write"),
    [
        (Mode.SOLAR, None, False, 0.0, "meter silent for 2 min: paused", True),
        (Mode.MIN_SOLAR, None, True, 6.0, "meter silent for 2 min: holding 6 A", True),
        (Mode.FAST, 25.0, True, 6.0, "meter silent for 2 min: holding 6 A", True),
        (Mode.FAST, None, True, 16.0, "fast charging at 16 A", False),  # no fuse: fast needs no meter
    ],
)
def test_meter_silent_for_two_minutes(
    mode: Mode, fuse_a: float | None, enabled: bool, current_a: float, reason: str, write: bool
) -> None:
    controller = Controller(Settings(mode=mode, fuse_a=fuse_a), ChargerLimits(max_phases=1))
    assert controller.update(at(0), site(-2300, 0), CHARGING_10_A).write  # 10 s ago: the fail-safe does not wait
    decision = controller.update(at(10), site(-2300, -110), CHARGING_10_A)
    assert (decision.enabled, decision.current_a, decision.reason) == (enabled, current_a, reason)
    assert decision.surplus_w is None
    assert decision.write == write


def test_no_meter_reading_at_all_starts_nothing() -> None:
    controller = Controller(Settings(mode=Mode.MIN_SOLAR), ChargerLimits(max_phases=1))
    decision = controller.update(at(0), None, charger_drawing(0, 1))
    assert (decision.enabled, decision.reason) == (False, "no meter reading: paused")


def test_a_reading_within_the_timeout_is_fresh() -> None:
    controller = Controller(Settings(mode=Mode.MIN_SOLAR), ChargerLimits(max_phases=1))
    decision = controller.update(at(60), site(0, 0), charger_drawing(0, 1))
    assert decision.surplus_w == 0.0
    assert decision.enabled

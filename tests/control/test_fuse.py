"""Load management (fuse.py, controller): no phase at the grid point above the fuse, 25 A here."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.fuse import fuse_headroom_a
from custom_components.chargeshare.control.model import ChargerLimits, ChargerReading, Mode, Settings

from .drive import at, charger_drawing, site


@pytest.mark.parametrize(
    ("site_a", "charger", "phases", "headroom_a"),
    [
        ((10.0, 5.0, 5.0), charger_drawing(0, 3), 3, 15.0),  # the most loaded phase decides
        ((26.0, 22.0, 22.0), charger_drawing(16, 3), 3, 15.0),  # the charger's own current is not the house's
        ((20.0, 5.0, 5.0), charger_drawing(0, 1), 1, 5.0),  # one phase: L1 when it draws nothing yet
        ((5.0, 20.0, 5.0), ChargerReading(True, True, True, 8, 1, currents_a=(0.0, 8.0, 0.0)), 1, 13.0),
        ((-10.0, -10.0, -10.0), charger_drawing(0, 3), 3, 35.0),  # exporting phases: the car first cancels it
    ],
)
def test_headroom(site_a: tuple[float, float, float], charger: ChargerReading, phases: int, headroom_a: float) -> None:
    assert fuse_headroom_a(25.0, site(0, 0, phase_currents_a=site_a), charger, phases) == headroom_a


def test_without_phase_currents_only_the_fuse_bounds_the_charger() -> None:
    assert fuse_headroom_a(25.0, site(0, 0), charger_drawing(0, 3), 3) == 25.0


@pytest.mark.parametrize(
    ("house_a", "charger_a", "enabled", "current_a", "reason"),
    [
        (5.0, 16.0, True, 16.0, "fast charging at 16 A"),  # room enough
        (12.0, 16.0, True, 13.0, "limited by the 25 A fuse"),  # 12 + 16 = 28 A: cut to 13 A
        (21.0, 16.0, False, 0.0, "paused: the 25 A fuse leaves 4 A"),  # below the minimum current: pause
    ],
)
def test_fast_charging_under_the_fuse(
    house_a: float, charger_a: float, enabled: bool, current_a: float, reason: str
) -> None:
    controller = Controller(Settings(mode=Mode.FAST, fuse_a=25.0), ChargerLimits())
    charging = charger_drawing(charger_a, 3)
    phase_a = house_a + charger_a
    assert not controller.update(at(0), site(0, 0, phase_currents_a=(5.0 + 16, 21.0, 21.0)), charging).write
    decision = controller.update(at(5), site(0, 5, phase_currents_a=(phase_a, phase_a, phase_a)), charging)
    assert (decision.enabled, decision.current_a, decision.reason) == (enabled, current_a, reason)
    assert decision.write == (current_a != charger_a)  # a cut goes at once, 5 s after the last write


def test_an_increase_stays_under_the_fuse_and_waits_for_the_interval() -> None:
    controller = Controller(Settings(mode=Mode.FAST, fuse_a=25.0), ChargerLimits())
    at_10 = charger_drawing(10, 3)
    busy_house = (10.0 + 16, 26.0, 26.0)  # the house takes 16 A: 9 A left, cut at once
    assert controller.update(at(0), site(0, 0, phase_currents_a=busy_house), at_10).current_a == 9.0
    quieter = (10.0 + 5, 17.0, 17.0)  # now 7 A: 18 A allowed, 16 A is the maximum
    held = controller.update(at(10), site(0, 10, phase_currents_a=quieter), at_10)
    assert (held.current_a, held.write) == (9.0, False)
    raised = controller.update(at(30), site(0, 30, phase_currents_a=quieter), at_10)
    assert (raised.current_a, raised.write) == (16.0, True)

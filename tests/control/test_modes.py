"""What each mode does with a plugged-in car, over time (controller.py, surplus_charging.py).

The plant's car draws at once what it is offered; `surplus_w` is PV minus the house. 1 phase, 6-16 A
(1380-3680 W), whole amps, the default settings (solar mode, 60 s / 180 s, 30 s between writes).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from custom_components.chargeshare.control.controller import Controller
from custom_components.chargeshare.control.model import ChargerLimits, Mode, Settings

from .drive import UNPLUGGED, at, charger_drawing, every, plant, site


def test_not_connected_is_disabled_and_says_so() -> None:
    controller = Controller(Settings(mode=Mode.FAST), ChargerLimits())
    decision = controller.update(at(0), site(-5000, 0), UNPLUGGED)
    assert (decision.enabled, decision.current_a, decision.reason) == (False, 0.0, "no car connected")


def test_unplugging_writes_the_stop_at_once() -> None:
    car = plant(Settings(mode=Mode.FAST))
    assert car.step(0, 0).write
    decision = car.controller.update(at(5), site(0, 5), replace(UNPLUGGED, enabled=True, offered_a=16))
    assert (decision.enabled, decision.write) == (False, True)


def test_off_means_off_at_once() -> None:
    car = plant(Settings(mode=Mode.FAST))
    car.step(0, 0)
    car.controller.settings = Settings(mode=Mode.OFF)
    decision = car.step(5, 10_000)
    assert (decision.enabled, decision.current_a, decision.write, decision.reason) == (False, 0.0, True, "off")


def test_fast_charges_at_the_maximum_whatever_the_sun() -> None:
    decision = plant(Settings(mode=Mode.FAST)).step(0, -3000)
    assert (decision.enabled, decision.current_a, decision.reason) == (True, 16.0, "fast charging at 16 A")


def test_fast_on_a_switching_charger_uses_three_phases() -> None:
    limits = ChargerLimits(max_phases=3, phase_switching=True)
    decision = plant(Settings(mode=Mode.FAST), limits, phases=1).step(0, 0)
    assert (decision.current_a, decision.phases) == (16.0, 3)


def test_min_solar_charges_the_minimum_without_surplus_and_adds_the_surplus() -> None:
    car = plant(Settings(mode=Mode.MIN_SOLAR))
    first = car.step(0, 0)
    assert (first.enabled, first.current_a, first.write) == (True, 6.0, True)
    assert car.step(10, 300).reason == "charging at the minimum 6 A: 0.3 kW surplus"
    later = car.step(40, 2300)
    assert (later.current_a, later.reason) == (10.0, "charging from surplus at 10 A")


@pytest.mark.parametrize(
    ("surplus_w", "seconds", "enabled", "current_a", "reason"),
    [
        # Solar waits for the minimum power, then for the surplus to last (paced: 1.7 kW is 120 s).
        (1000, [0], False, 0.0, "waiting for 1.4 kW surplus for 60 s"),
        (1725, [0, 60], False, 0.0, "1.7 kW surplus: starting in 60 s"),
        (1725, [0, 60, 120], True, 7.0, "starting with 1.7 kW surplus"),
        # 2.76 kW (twice the minimum) starts in 30 s, at the current it affords.
        (2760, [0, 30], True, 12.0, "starting with 2.8 kW surplus"),
    ],
)
def test_solar_start(surplus_w: float, seconds: list[float], enabled: bool, current_a: float, reason: str) -> None:
    decision = plant().run(surplus_w, seconds)[-1]
    assert (decision.enabled, decision.current_a, decision.reason) == (enabled, current_a, reason)


def test_solar_follows_the_surplus_and_writes_no_faster_than_every_30_s() -> None:
    car = plant(enabled=True, current_a=8.0)
    assert car.step(0, 2530).write  # 11 A: the first change goes at once
    held = car.step(10, 1610)  # 7 A would do, but the last write was 10 s ago
    assert (held.current_a, held.write, held.reason) == (11.0, False, "charging from surplus at 7 A (in 20 s)")
    lowered = car.step(30, 1610)
    assert (lowered.current_a, lowered.write) == (7.0, True)


def test_solar_holds_the_minimum_while_the_stop_delay_runs_then_stops_at_once() -> None:
    car = plant(enabled=True, current_a=6.0)
    decisions = car.run(0, every(5, 20))  # no surplus: (1380 W / 414 W)^2 = 11x pace, 16 s
    assert all(d.enabled and d.current_a == 6.0 for d in decisions[:-1])
    assert decisions[0].reason == "1.4 kW short of the minimum: stopping in 16 s"
    assert decisions[-2].reason == "1.4 kW short of the minimum: stopping in 1 s"
    assert (decisions[-1].enabled, decisions[-1].write) == (False, True)


def test_a_passing_cloud_does_not_stop_solar_charging() -> None:
    car = plant(enabled=True, current_a=6.0)
    car.run(1100, every(5, 100))  # 280 W short: 180 s / 0.81
    car.run(1500, [105])  # the sun is back for one reading
    assert all(d.enabled for d in car.run(1100, every(5, 250, start_s=110)))


def test_surplus_w_reports_what_the_car_could_draw() -> None:
    car = plant(enabled=True, current_a=8.0)
    assert car.step(0, 2000).surplus_w == 2000


def test_a_minimum_above_the_maximum_charges_nothing() -> None:
    controller = Controller(Settings(mode=Mode.FAST, min_current_a=20, max_current_a=16), ChargerLimits())
    decision = controller.update(at(0), site(0, 0), charger_drawing(0, 3))
    assert (decision.enabled, decision.reason) == (False, "the minimum current is above the maximum")

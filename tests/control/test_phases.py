"""1p/3p switching (phases.py): 6-16 A, a charger that can switch, policy auto unless a case says otherwise.

3-phase minimum power: 4140 W; 1-phase maximum: 3680 W.
"""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.electric import CurrentRange
from custom_components.chargeshare.control.model import ChargerLimits, ChargerReading, PhasePolicy, Settings
from custom_components.chargeshare.control.phases import PhaseChoice, PhaseSelector, fixed_phases

from .drive import UNPLUGGED, at, charger_drawing, every, plant, site

SWITCHING = ChargerLimits(max_phases=3, phase_switching=True)


@pytest.mark.parametrize(
    ("policy", "limits", "charger_phases", "expected"),
    [
        (PhasePolicy.AUTO, SWITCHING, 3, None),
        (PhasePolicy.ONE, SWITCHING, 3, 1),
        (PhasePolicy.THREE, SWITCHING, 1, 3),
        (PhasePolicy.ONE, ChargerLimits(max_phases=3), 3, 3),  # cannot switch: what it uses
        (PhasePolicy.AUTO, ChargerLimits(max_phases=1, phase_switching=True), 1, 1),  # wired for one
    ],
)
def test_fixed_phases(policy: PhasePolicy, limits: ChargerLimits, charger_phases: int, expected: int | None) -> None:
    charger = ChargerReading(True, False, False, 0.0, charger_phases)
    assert fixed_phases(Settings(phases=policy), limits, charger) == expected


@pytest.mark.parametrize(
    ("surplus_w", "seconds", "phases", "current_a"),
    [
        (2000, 70, 1, 8.0),  # below the 3-phase minimum one phase uses it (620 W beyond 1380: pace 0.9)
        (5000, 145, 3, 7.0),  # 860 W beyond 4140: pace 0.42
    ],
)
def test_a_start_picks_the_phases_the_surplus_affords(
    surplus_w: float, seconds: float, phases: int, current_a: float
) -> None:
    decision = plant(limits=SWITCHING).run(surplus_w, every(5, seconds))[-1]
    assert (decision.enabled, decision.phases, decision.current_a) == (True, phases, current_a)


def test_up_to_three_phases_after_the_up_delay_at_a_pace() -> None:
    car = plant(limits=SWITCHING, enabled=True, current_a=16.0, phases=1)
    decisions = car.run(5000, every(10, 110))  # 860 W beyond 4140: at least clock pace, 120 s
    assert all(d.phases == 1 for d in decisions)
    assert decisions[-1].reason == "charging from surplus at 16 A; 3 phases in 10 s"
    switched = car.step(120, 5000)
    assert (switched.phases, switched.current_a, switched.write) == (3, 7.0, True)


def test_a_large_excess_switches_up_sooner() -> None:
    car = plant(limits=SWITCHING, enabled=True, current_a=16.0, phases=1)
    decisions = car.run(9000, every(10, 30))  # 4860 W beyond 4140: 4x pace, 30 s
    assert [d.phases for d in decisions] == [1, 1, 1, 3]


def test_down_to_one_phase_without_stopping() -> None:
    car = plant(limits=SWITCHING, enabled=True, current_a=6.0, phases=3)
    decisions = car.run(3000, every(5, 60))  # 1140 W short of 4140: 180 s at 2.75x -> 65 s
    assert all(d.phases == 3 and d.enabled for d in decisions)
    assert decisions[-1].reason == "3.0 kW surplus: holding the minimum; 1 phase in 5 s"
    switched = car.run(3000, every(5, 70, start_s=65))[-1]
    assert (switched.enabled, switched.phases, switched.current_a) == (True, 1, 12.0)  # 13 A, ramp-limited


def test_no_second_switch_within_the_pause() -> None:
    selector = PhaseSelector()
    selector.observe(at(0), 3)
    selector.observe(at(10), 1)
    assert selector.pausing(at(69), SWITCHING)
    assert not selector.pausing(at(70), SWITCHING)
    current_range = CurrentRange(6.0, 16.0, 1.0)
    assert (
        selector.for_start(
            at(30), available_w=9000, in_effect=1, rng=current_range, settings=Settings(), limits=SWITCHING
        )
        == 1
    )


def test_unplugging_ends_a_pending_switch() -> None:
    car = plant(limits=SWITCHING, enabled=True, current_a=16.0, phases=1)
    car.run(5000, every(10, 100))
    car.controller.update(at(105), None, UNPLUGGED)
    car.enabled = True
    assert car.step(110, 5000).phases == 1  # the up delay starts afresh


def test_enabled_but_not_drawing_keeps_its_phases() -> None:
    car = plant(limits=SWITCHING, enabled=True, current_a=6.0, phases=3)
    controller = car.controller
    idle = charger_drawing(0, 3, enabled=True)
    for seconds in every(10, 400):
        decision = controller.update(at(seconds), site(-2000, seconds), idle)
        assert decision.phases == 3


@pytest.mark.parametrize(
    ("in_effect", "available_w", "switched_at", "expected"),
    [
        (3, 4140.0, None, PhaseChoice(3)),  # 3 phases covered at their minimum: stay
        (1, 4000.0, None, PhaseChoice(1)),  # not beyond the 3-phase minimum: stay on one
        (1, 3000.0, None, PhaseChoice(1)),
        (3, 0.0, 0.0, PhaseChoice(3)),  # 10 s after a switch: no other, however short
        (3, 0.0, None, PhaseChoice(3, "1 phase in 30 s")),  # 4140 W short: 6x pace
        (1, 9000.0, None, PhaseChoice(1, "3 phases in 30 s")),  # 4860 W beyond: 4x pace
    ],
)
def test_while_charging_the_first_cycle(
    in_effect: int, available_w: float, switched_at: float | None, expected: PhaseChoice
) -> None:
    selector = PhaseSelector()
    if switched_at is not None:
        selector.observe(at(switched_at - 1), 4 - in_effect)
        selector.observe(at(switched_at), in_effect)
    choice = selector.while_charging(
        at(10),
        available_w=available_w,
        in_effect=in_effect,
        rng=CurrentRange(6.0, 16.0, 1.0),
        settings=Settings(),
        limits=SWITCHING,
    )
    assert choice == expected

"""Writes: only changes, regulation at most every `min_write_interval_s`, safety reductions at once."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.control.target import Target
from custom_components.chargeshare.control.write_gate import WriteGate

from .drive import at, charger_drawing

INTERVAL_S = 30.0
CHARGING_10_A = charger_drawing(10, 3)


def gate_written_at_0() -> WriteGate:
    gate = WriteGate()
    assert (
        gate.decide(at(0), Target(True, 10, 3, "go"), surplus_w=0.0, interval_s=INTERVAL_S, charger=CHARGING_10_A).write
        is False
    )
    assert gate.decide(
        at(0), Target(True, 12, 3, "go"), surplus_w=0.0, interval_s=INTERVAL_S, charger=CHARGING_10_A
    ).write
    return gate


@pytest.mark.parametrize(
    ("seconds", "target", "write", "current_a", "reason"),
    [
        (10, Target(True, 12, 3, "same"), False, 12.0, "same"),  # nothing changed: nothing to write
        (10, Target(True, 14, 3, "up"), False, 12.0, "up (in 20 s)"),  # regulation waits for the interval
        (10, Target(True, 8, 3, "down"), False, 12.0, "down (in 20 s)"),  # so does a regulation decrease
        (30, Target(True, 14, 3, "up"), True, 14.0, "up"),
        (10, Target(True, 8, 3, "fuse", urgent=True), True, 8.0, "fuse"),  # a safety reduction goes at once
        (10, Target.stopped(3, "off", urgent=True), True, 0.0, "off"),
        (10, Target(True, 14, 3, "urgent, but more", urgent=True), False, 12.0, "urgent, but more (in 20 s)"),
        (10, Target(True, 8, 1, "fewer phases", urgent=True), True, 8.0, "fewer phases"),
    ],
)
def test_write_gate(seconds: float, target: Target, write: bool, current_a: float, reason: str) -> None:
    decision = gate_written_at_0().decide(
        at(seconds), target, surplus_w=None, interval_s=INTERVAL_S, charger=CHARGING_10_A
    )
    assert (decision.write, decision.current_a, decision.reason) == (write, current_a, reason)


def test_an_urgent_target_with_more_phases_waits() -> None:
    gate = WriteGate()
    gate.decide(at(0), Target(True, 10, 1, "go"), surplus_w=None, interval_s=INTERVAL_S, charger=CHARGING_10_A)
    decision = gate.decide(
        at(5),
        Target(True, 6, 3, "more phases", urgent=True),
        surplus_w=None,
        interval_s=INTERVAL_S,
        charger=CHARGING_10_A,
    )
    assert not decision.write

"""Status registers mean an IEC 61851 state: a code read as text, or a profile's rules."""

from __future__ import annotations

import pytest

from custom_components.chargeshare.charger import ChargerStatus
from custom_components.chargeshare.modbus.profile import Condition, IecState, StatusRule, StatusSpec
from custom_components.chargeshare.modbus.registers import Register, Table
from custom_components.chargeshare.modbus.status import charger_status, decode_status, iec_state


@pytest.mark.parametrize(
    ("code", "state"),
    [
        ("A", "A"),
        ("B1", "B"),
        ("B2", "B"),
        ("C2", "C"),
        ("C1", "B"),
        ("D1", "B"),
        ("D2", "D"),
        ("E", "E"),
        ("F", "F"),
        ("c2", "C"),
        (" C2\x00", "C"),
        (ord("C"), "C"),
        ("", None),
        ("X", None),
        (0, None),
    ],
)
def test_iec_codes(code: object, state: str | None) -> None:
    assert iec_state(code) == (IecState(state) if state else None)  # type: ignore[arg-type]


def test_rules_apply_in_order_and_the_last_may_match_anything() -> None:
    spec = StatusSpec(
        registers={"cable": Register(Table.INPUT, 1004), "charge": Register(Table.INPUT, 1001)},
        rules=(
            StatusRule(IecState.C, {"cable": Condition(minimum=2), "charge": Condition(values=(1,))}),
            StatusRule(IecState.B, {"cable": Condition(minimum=2)}),
            StatusRule(IecState.A, {}),
        ),
    )
    assert decode_status(spec, {"cable": 2, "charge": 1}) is IecState.C
    assert decode_status(spec, {"cable": 3, "charge": 0}) is IecState.B
    assert decode_status(spec, {"cable": 0, "charge": 1}) is IecState.A


def test_values_no_rule_knows_mean_an_unknown_status() -> None:
    spec = StatusSpec(
        registers={"state": Register(Table.INPUT, 5)},
        rules=(StatusRule(IecState.A, {"state": Condition(values=(2, 3))}),),
    )
    assert decode_status(spec, {"state": 99}) is None


def test_conditions() -> None:
    assert Condition(values=(5, 7)).matches(7)
    assert not Condition(values=(5, 7)).matches(6)
    assert Condition(minimum=257).matches(0x0101)
    assert not Condition(maximum=3).matches(4)
    assert not Condition(minimum=1).matches("text")


@pytest.mark.parametrize(
    ("state", "status"),
    [
        ("A", ChargerStatus.NO_VEHICLE),
        ("B", ChargerStatus.CONNECTED),
        ("C", ChargerStatus.CHARGING),
        ("D", ChargerStatus.CHARGING),
        ("E", ChargerStatus.ERROR),
        ("F", ChargerStatus.FAULT),
    ],
)
def test_iec_states_are_our_statuses(state: str, status: ChargerStatus) -> None:
    assert charger_status(IecState(state)) is status

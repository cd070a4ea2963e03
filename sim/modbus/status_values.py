"""Status register values that show each IEC 61851 state, found from the profile's own status decoding.

A profile either reads an IEC code (`iec`: text, or a letter's character code) or maps register values to
states with rules. For rules, candidate values (those the rules mention, their neighbours, and 0) are tried
until the driver's decoder (`status.decode_status`) reads the wanted state from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
import itertools

from custom_components.chargeshare.modbus.profile import IecState, Profile, StatusSpec
from custom_components.chargeshare.modbus.registers import DataType, Register, Table, Value, WordOrder
from custom_components.chargeshare.modbus.status import decode_status
from sim.modbus.address_space import FLOATS, int_range, is_field, place_values, take_values

IEC_CODES = {IecState.A: "A", IecState.B: "B2", IecState.C: "C2", IecState.E: "E", IecState.F: "F"}
REQUIRED_STATES = (IecState.A, IecState.B, IecState.C)
FAULT_STATES = (IecState.E, IecState.F)


def status_codes(profile: Profile) -> dict[IecState, dict[str, Value]]:
    """For each state the profile can show, status register values that decode to it; A, B and C are required."""
    spec, word_order, codes = profile.status, profile.word_order, {}
    for state in (*REQUIRED_STATES, *FAULT_STATES):
        values = _iec_values(spec, state) if spec.iec is not None else _rule_values(spec, state, word_order)
        if values is not None and _shows(spec, values, word_order) is state:
            codes[state] = values
        elif state in REQUIRED_STATES:
            raise ValueError(f"{profile.key}: no status register values show state {state} (check its status rules)")
    return codes


def _iec_values(spec: StatusSpec, state: IecState) -> dict[str, Value]:
    """The IEC code as text, or as its letter's character code in a numeric (`byte:`) register."""
    assert spec.iec is not None
    code = IEC_CODES[state]
    return {spec.iec: code if spec.registers[spec.iec].type is DataType.STRING else ord(code[0])}


def _rule_values(spec: StatusSpec, state: IecState, word_order: WordOrder) -> dict[str, Value] | None:
    """The first combination of candidate values that the rules read as `state`."""
    names = list(spec.registers)
    candidates = [_candidates(spec, name, state) for name in names]
    for combination in itertools.product(*candidates):
        values = dict(zip(names, combination, strict=True))
        if _shows(spec, values, word_order) is state:
            return values
    return None


def _candidates(spec: StatusSpec, name: str, state: IecState) -> list[Value]:
    """Values the rules mention for a register (and their neighbours, and 0); the wanted state's first."""
    register = spec.registers[name]
    wanted: list[Value] = []
    others: list[Value] = [0]
    for rule in spec.rules:
        if (condition := rule.when.get(name)) is None:
            continue
        bounds = [bound for bound in (condition.minimum, condition.maximum) if bound is not None]
        mentioned = [*condition.values, *bounds]
        (wanted if rule.status is state else others).extend(mentioned)
        others.extend(step for value in mentioned if not isinstance(value, str) for step in (value - 1, value + 1))
    if register.type not in (DataType.STRING, *FLOATS):  # 2.0 from a bound is the whole number 2 here
        wanted, others = _whole(wanted), _whole(others)
    return [value for value in dict.fromkeys(wanted + others) if _holds(register, value)]


def _whole(values: Iterable[Value]) -> list[Value]:
    return [int(value) if isinstance(value, float) and value.is_integer() else value for value in values]


def _holds(register: Register, value: Value) -> bool:
    if register.type is DataType.STRING:
        return isinstance(value, str)
    if isinstance(value, str):
        return False
    if register.type in FLOATS:
        return True
    low, high = int_range(register)
    return value == int(value) and low <= value <= high


def _shows(spec: StatusSpec, values: Mapping[str, Value], word_order: WordOrder) -> IecState | None:
    """The state a driver reads from these values, after they went through the registers."""
    spaces: dict[tuple[int | None, Table], dict[int, int]] = {}
    ordered = sorted(spec.registers.items(), key=lambda item: is_field(item[1]))
    for name, register in ordered:
        place_values(register, [values[name]], word_order, spaces.setdefault((register.unit_id, register.table), {}))
    read = {
        name: take_values(register, spaces[register.unit_id, register.table], word_order)[0]
        for name, register in spec.registers.items()
    }
    return decode_status(spec, read)

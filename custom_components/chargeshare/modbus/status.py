"""A charger's state from its status registers: an IEC 61851 code, or a profile's rules."""

from __future__ import annotations

from collections.abc import Mapping

from ..charger import ChargerStatus
from .profile import IecState, StatusSpec
from .registers import Value

_CHARGER_STATUS = {
    IecState.A: ChargerStatus.NO_VEHICLE,
    IecState.B: ChargerStatus.CONNECTED,
    IecState.C: ChargerStatus.CHARGING,
    IecState.D: ChargerStatus.CHARGING,
    IecState.E: ChargerStatus.ERROR,
    IecState.F: ChargerStatus.FAULT,
}


def iec_state(code: Value) -> IecState | None:
    """Read "A", "B2", "C1", ... (or a letter's character code); C1 and D1 (no PWM) do not charge."""
    text = chr(code) if isinstance(code, int) and 0 < code < 128 else str(code)
    text = text.strip("\x00 ").upper()
    if not text or text[0] not in "ABCDEF":
        return None
    if text[0] in "CD" and text[1:2] == "1":
        return IecState.B
    return IecState(text[0])


def decode_status(spec: StatusSpec, values: Mapping[str, Value]) -> IecState | None:
    """The state the register values mean; None when they match no rule (an unknown code)."""
    if spec.iec is not None:
        return iec_state(values[spec.iec])
    for rule in spec.rules:
        if all(condition.matches(values[name]) for name, condition in rule.when.items()):
            return rule.status
    return None


def charger_status(state: IecState) -> ChargerStatus:
    return _CHARGER_STATUS[state]

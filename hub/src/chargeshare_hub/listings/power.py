"""A connector's maximum power, when the host does not state it."""

from __future__ import annotations

# OCPI gives max_voltage line-to-neutral for multi-phase AC, so each phase adds V x A.
_PHASES = {"AC_1_PHASE": 1, "AC_2_PHASE": 2, "AC_2_PHASE_SPLIT": 2, "AC_3_PHASE": 3, "DC": 1}


def max_power_w(power_type: str, max_voltage: int, max_amperage: int, max_electric_power: int | None) -> int:
    """The stated `max_electric_power` (W), else what voltage, current and phases allow."""
    if max_electric_power is not None:
        return max_electric_power
    return _PHASES[power_type] * max_voltage * max_amperage

"""How fast a car charges at a connector, and how long an amount of energy takes: pure, no database.

The power is the lower of what the connector gives and what the car takes, on the phases both use:

- AC: a car with an on-board charger of `max_ac_power_w` over `ac_phases` phases takes that power divided by
  its phases on each phase it uses, and it uses no more phases than the connector has (AC_1_PHASE: 1,
  AC_2_PHASE: 2, AC_3_PHASE: 3). The connector likewise gives its maximum power divided by its phases on
  each. So an 11 kW three-phase car on a 7.4 kW single-phase connector draws 3.67 kW (its single-phase
  share, 11/3 kW), and a 7.4 kW single-phase car on an 11 kW three-phase connector draws 3.68 kW (one of the
  connector's three 16 A phases). AC_2_PHASE_SPLIT (North America's 240 V split phase) reaches the car as one
  phase across both legs, so it counts as one.
- DC: the lower of the connector's maximum power and the car's `max_dc_power_w`; a car without one cannot
  charge on DC.

No taper is modelled: charging is taken to run at that power throughout. Cars draw less on DC above about
80 % state of charge (and the hub does not know the state of charge), so a DC estimate is a lower bound there.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# The phases a car can use from a connector of each AC power type.
_CONNECTOR_PHASES = {"AC_1_PHASE": 1, "AC_2_PHASE": 2, "AC_2_PHASE_SPLIT": 1, "AC_3_PHASE": 3}
DC = "DC"


@dataclass(frozen=True, slots=True)
class CarLimits:
    standards: frozenset[str]
    max_ac_power_w: int
    ac_phases: int
    max_dc_power_w: int | None


def charging_power_w(car: CarLimits, standard: str, power_type: str, connector_power_w: int) -> int | None:
    """The power (W) the car charges with at the connector; None when the car cannot use it at all."""
    if standard not in car.standards or connector_power_w <= 0:
        return None
    if power_type == DC:
        return None if car.max_dc_power_w is None else min(connector_power_w, car.max_dc_power_w)
    connector_phases = _CONNECTOR_PHASES[power_type]
    used = min(car.ac_phases, connector_phases)
    # Per phase, then times the phases used; integer W, rounded down so the estimate never promises too much.
    return min(connector_power_w * used // connector_phases, car.max_ac_power_w * used // car.ac_phases)


def charging_minutes(energy_wh: int, power_w: int) -> int:
    """Whole minutes to deliver `energy_wh` at a constant `power_w`, rounded up."""
    if energy_wh <= 0 or power_w <= 0:
        raise ValueError("energy and power must be positive")
    return -(-energy_wh * 60 // power_w)


def fastest_minutes(car: CarLimits, connectors: Iterable[Mapping[str, Any]], energy_wh: int) -> int | None:
    """The shortest charging time over connectors given as {standard, power_type, max_power}; None: none fits."""
    powers = [
        charging_power_w(car, connector["standard"], connector["power_type"], connector["max_power"])
        for connector in connectors
    ]
    usable = [power for power in powers if power is not None]
    return charging_minutes(energy_wh, max(usable)) if usable else None

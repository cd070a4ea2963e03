"""Turn OCPP 1.6 MeterValues into one normalised meter sample (W, A, V, kWh).

Real chargers differ: units missing or in kW/kWh, phase values only, line-to-line voltages,
signed data, readings at the inlet as well as the outlet. The rules here follow the specification's
defaults and the quirks collected in shared/reference/ocpp.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
import math
from typing import Any

from ..charger import NO_PHASES, Phases
from ..metering.meter import MeterSample

ENERGY_REGISTER = "Energy.Active.Import.Register"
POWER = "Power.Active.Import"
CURRENT = "Current.Import"
VOLTAGE = "Voltage"

# The unit the specification implies when a sampled value carries none, and the factor to our unit.
_DEFAULT_UNIT = {ENERGY_REGISTER: "Wh", POWER: "W", CURRENT: "A", VOLTAGE: "V"}
_TO_OUR_UNIT = {
    ENERGY_REGISTER: {"Wh": 0.001, "kWh": 1.0},
    POWER: {"W": 1.0, "kW": 1000.0},
    CURRENT: {"A": 1.0},
    VOLTAGE: {"V": 1.0},
}
# A reading at the start of a transaction repeats (or contradicts) StartTransaction's meterStart.
_IGNORED_ENERGY_CONTEXTS = frozenset({"Transaction.Begin"})
# Where the meter sits; readings of the car's own meter or the charger's housing are not the energy we sell.
_LOCATION_RANK = {None: 0, "Outlet": 0, "Inlet": 1, "Cable": 2}
_PHASE_INDEX = {"L1": 0, "L2": 1, "L3": 2, "L1-N": 0, "L2-N": 1, "L3-N": 2, "L1-L2": 0, "L2-L3": 1, "L3-L1": 2}
_LINE_TO_LINE = frozenset({"L1-L2", "L2-L3", "L3-L1"})


class _Collector:
    """Values of one measurand: a total and per-phase values, best location first."""

    def __init__(self) -> None:
        self.total: tuple[int, float] | None = None
        self.phases: list[tuple[int, float] | None] = [None, None, None]

    def add(self, rank: int, phase: str | None, value: float) -> None:
        if phase is None:
            if self.total is None or rank <= self.total[0]:
                self.total = (rank, value)
            return
        index = _PHASE_INDEX[phase]
        current = self.phases[index]
        if current is None or rank <= current[0]:
            self.phases[index] = (rank, value)

    def phase_values(self) -> Phases:
        a, b, c = (p[1] if p else None for p in self.phases)
        return a, b, c

    def total_or_sum(self) -> float | None:
        if self.total is not None:
            return self.total[1]
        present = [p[1] for p in self.phases if p is not None]
        return sum(present) if present else None


def parse_meter_values(meter_values: Iterable[Mapping[str, Any]]) -> MeterSample:
    """Parse `meterValue` entries (snake_case keys, as the ocpp library hands them over)."""
    collectors = {measurand: _Collector() for measurand in _DEFAULT_UNIT}
    skipped: list[str] = []
    newest: datetime | None = None
    for entry in sorted(meter_values, key=lambda e: str(e.get("timestamp", ""))):
        newest = parse_timestamp(entry.get("timestamp")) or newest
        for sampled in entry.get("sampled_value") or ():
            _collect(sampled, collectors, skipped)
    energy, power = collectors[ENERGY_REGISTER], collectors[POWER]
    return MeterSample(
        timestamp=newest,
        power_w=power.total_or_sum(),
        current_a=collectors[CURRENT].phase_values()
        if any(collectors[CURRENT].phases)
        else _single(collectors[CURRENT]),
        voltage_v=collectors[VOLTAGE].phase_values()
        if any(collectors[VOLTAGE].phases)
        else _single(collectors[VOLTAGE]),
        energy_kwh=energy.total_or_sum(),
        skipped=tuple(skipped),
    )


def _single(collector: _Collector) -> Phases:
    """A value without a phase, as on single-phase chargers: shown on L1."""
    return (collector.total[1], None, None) if collector.total else NO_PHASES


def _collect(sampled: Mapping[str, Any], collectors: dict[str, _Collector], skipped: list[str]) -> None:
    measurand = sampled.get("measurand") or ENERGY_REGISTER
    collector = collectors.get(measurand)
    if collector is None:
        return  # a measurand we do not show (SoC, frequency, temperature, ...)
    if sampled.get("format") == "SignedData":
        skipped.append(f"{measurand}: signed data")
        return
    location = sampled.get("location")
    if location not in _LOCATION_RANK:
        return
    if measurand == ENERGY_REGISTER and sampled.get("context") in _IGNORED_ENERGY_CONTEXTS:
        return
    unit = sampled.get("unit") or _DEFAULT_UNIT[measurand]
    factor = _TO_OUR_UNIT[measurand].get(unit)
    if factor is None:
        skipped.append(f"{measurand}: unit {unit!r}")
        return
    try:
        value = float(sampled["value"]) * factor
    except (KeyError, TypeError, ValueError):
        skipped.append(f"{measurand}: value {sampled.get('value')!r}")
        return
    if not math.isfinite(value) or (measurand == ENERGY_REGISTER and value < 0):
        skipped.append(f"{measurand}: value {sampled.get('value')!r}")
        return
    phase = sampled.get("phase")
    if phase is not None and phase not in _PHASE_INDEX:
        return  # the neutral conductor
    if measurand == VOLTAGE and phase in _LINE_TO_LINE:
        value /= math.sqrt(3)
    collector.add(_LOCATION_RANK[location], phase, value)


def parse_timestamp(value: object) -> datetime | None:
    """An OCPP timestamp; one without a time zone is UTC (OCPP asks for UTC, some chargers omit the Z)."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

"""The profile's register map bound to the charger's behaviour: each register the profile names, as cells.

A cell says what a register shows (rendered from the state on every read) and what a write to it does (the
setpoint, enable and phase registers change the state, a watchdog register refreshes the watchdog, init
registers are logged). Status registers show values that decode to the current IEC state; identification
registers show plausible values, and the detect register one that matches the profile's pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
import itertools
import logging

from pymodbus.constants import ExcCodes

from custom_components.chargeshare.modbus.profile import (
    CURRENT_UNITS,
    ENERGY_UNITS,
    POWER_UNITS,
    VOLTAGE_UNITS,
    Profile,
    Quantity,
)
from custom_components.chargeshare.modbus.registers import Register, Table, Value
from sim.modbus.address_space import raw
from sim.modbus.behaviour import VOLTAGE_V, ChargerBehaviour
from sim.modbus.identity_values import detect_value, identity_value
from sim.modbus.server import Cell, accept

_LOGGER = logging.getLogger(__name__)


class RegisterMap:
    """The cells of one charger: `profile`'s registers on `unit_id` (where a register names no unit of its own)."""

    def __init__(self, profile: Profile, unit_id: int, charger: ChargerBehaviour) -> None:
        self.profile = profile
        self.unit_id = unit_id
        self._charger = charger

    def cells(self) -> list[Cell]:
        """Every register the profile names, each with what it shows and what writing it does."""
        profile, cells = self.profile, []
        for name, register in profile.status.registers.items():
            cells.append(self._cell(register, render=self._status_value(name)))
        cells += self._current_cells()
        cells += self._enable_cells()
        cells += self._watchdog_cells()
        cells += self._meter_cells()
        cells += self._phase_cells()
        cells += self._identity_cells()
        for init in profile.init:
            cells.append(self._cell(init.register, apply=_log_init(init.register), write_fc=init.write_fc))
        return cells

    def watched(self) -> list[Cell]:
        """The registers whose reads refresh a `read` watchdog: its register, else the status registers."""
        spec = self.profile.watchdog
        if spec is None or spec.method != "read":
            return []
        registers = [spec.register] if spec.register is not None else list(self.profile.status.registers.values())
        return [self._cell(register) for register in registers]

    def _cell(
        self,
        register: Register,
        *,
        render: Callable[[], Sequence[Value]] | None = None,
        apply: Callable[[Value], None] | None = None,
        check: Callable[[Value], ExcCodes | None] = accept,
        write_fc: int | None = None,
    ) -> Cell:
        unit_id = self.unit_id if register.unit_id is None else register.unit_id
        return Cell(unit_id, register, render, apply, check, write_fc)

    def _key(self, register: Register) -> tuple[int, Table, int]:
        """Where a register starts: identity and detect registers at the same place show the same value."""
        return (*self._cell(register).place, register.address)

    def _status_value(self, name: str) -> Callable[[], Sequence[Value]]:
        return lambda: [self._charger.status_values[name]]

    def _current_cells(self) -> list[Cell]:
        spec, charger = self.profile.current, self._charger
        factor = CURRENT_UNITS[spec.unit] * spec.scale

        def amps(value: Value) -> float:
            return float(value) * factor

        def check(value: Value) -> ExcCodes | None:
            return None if 0 <= amps(value) <= spec.maximum_a else ExcCodes.ILLEGAL_VALUE

        def render(register: Register) -> Callable[[], Sequence[Value]]:
            return lambda: [raw(register, charger.limit_a, factor)]

        cells = [
            self._cell(
                spec.register,
                render=render(spec.register),
                apply=lambda value: charger.set_limit(amps(value)),
                check=check,
                write_fc=spec.write_fc,
            )
        ]
        if spec.readback is not None and spec.readback != spec.register:
            cells.append(self._cell(spec.readback, render=render(spec.readback)))
        return cells

    def _enable_cells(self) -> list[Cell]:
        spec, charger = self.profile.enable, self._charger
        if spec.register is None:
            return []
        return [
            self._cell(
                spec.register,
                render=lambda: [spec.on if charger.switched_on else spec.off],
                apply=lambda value: charger.set_enabled(value == spec.on),
                check=lambda value: None if value in (spec.on, spec.off) else ExcCodes.ILLEGAL_VALUE,
                write_fc=spec.write_fc,
            )
        ]

    def _watchdog_cells(self) -> list[Cell]:
        spec, charger = self.profile.watchdog, self._charger
        if spec is None:
            return []
        cells = []
        if spec.register is not None:
            refresh = (lambda value: charger.refresh_watchdog()) if spec.method == "write" else None
            cells.append(self._cell(spec.register, apply=refresh, write_fc=spec.write_fc))
        # The charger's timeout, which is also what KEBA wants written back to its watchdog register.
        sources = [source for source in (spec.period_from, spec.value_from) if source is not None]
        return cells + [self._cell(source, render=lambda: [charger.watchdog_raw]) for source in sources]

    def _meter_cells(self) -> list[Cell]:
        profile, charger = self.profile, self._charger
        meter: list[tuple[Quantity | None, Mapping[str, float], Callable[[], Iterable[float]]]] = [
            (profile.power, POWER_UNITS, lambda: [charger.power_w]),
            (profile.currents, CURRENT_UNITS, self._phase_currents),
            (profile.voltages, VOLTAGE_UNITS, lambda: itertools.repeat(VOLTAGE_V)),
            (profile.energy, ENERGY_UNITS, lambda: [charger.energy_kwh]),
        ]
        return [self._quantity_cell(quantity, units, physical) for quantity, units, physical in meter if quantity]

    def _quantity_cell(
        self, quantity: Quantity, units: Mapping[str, float], physical: Callable[[], Iterable[float]]
    ) -> Cell:
        register, factor = quantity.register, units[quantity.unit] * quantity.scale
        return self._cell(
            register,
            render=lambda: [raw(register, value, factor) for value in itertools.islice(physical(), register.values)],
        )

    def _phase_currents(self) -> Iterable[float]:
        charger = self._charger
        return itertools.chain([charger.charging_current_a] * charger.phases, itertools.repeat(0.0))

    def _phase_cells(self) -> list[Cell]:
        spec, charger = self.profile.phases, self._charger
        if spec is None:
            return []
        phases_of = {value: phases for phases, value in spec.values.items()}
        cells = [
            self._cell(
                spec.register,
                render=lambda: [spec.values[charger.phases]],
                apply=lambda value: charger.set_phases(phases_of[int(value)]),
                check=lambda value: None if value in phases_of else ExcCodes.ILLEGAL_VALUE,
                write_fc=spec.write_fc,
            )
        ]
        if spec.requires is not None:
            cells.append(self._cell(spec.requires, render=lambda: [spec.requires_value]))
        return cells

    def _identity_cells(self) -> list[Cell]:
        """Plausible identification, and a detect register that matches the profile's pattern."""
        profile = self.profile
        shown: dict[tuple[int, Table, int], Value] = {}
        registers = {field: value for field, value in profile.identity.items() if isinstance(value, Register)}
        for field, register in registers.items():
            shown[self._key(register)] = identity_value(profile, field, register)
        if profile.detect is not None and profile.detect_pattern is not None:
            key = self._key(profile.detect)
            shown[key] = detect_value(profile.detect, profile.detect_pattern, profile.word_order, shown.get(key))
            registers["detect"] = profile.detect
        return [self._cell(register, render=_showing(shown, self._key(register))) for register in registers.values()]


def _log_init(register: Register) -> Callable[[Value], None]:
    return lambda value: _LOGGER.info("init: %s register %d := %s", register.table, register.address, value)


def _showing(shown: Mapping[tuple[int, Table, int], Value], key: tuple[int, Table, int]) -> Callable[[], list[Value]]:
    return lambda: [shown[key]]

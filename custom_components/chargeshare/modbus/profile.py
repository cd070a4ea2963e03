"""Charger profiles: what a wallbox's Modbus register map means, as data (one YAML file per charger).

The format is documented in docs/modbus-profiles.md; profile_loader.py reads and checks the files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
import enum
from typing import Literal

from .registers import DataType, Register, WordOrder


class IecState(enum.StrEnum):
    A = "A"  # no vehicle
    B = "B"  # vehicle connected, not charging
    C = "C"  # charging
    D = "D"  # charging with ventilation
    E = "E"  # error
    F = "F"  # charging point unavailable


@dataclass(frozen=True, slots=True)
class Condition:
    """A register value matches if it is one of `values`, or lies within minimum..maximum."""

    values: tuple[int | str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None

    def matches(self, value: int | float | str) -> bool:
        if self.values:
            return value in self.values
        if isinstance(value, str):
            return False
        return (self.minimum is None or value >= self.minimum) and (self.maximum is None or value <= self.maximum)


@dataclass(frozen=True, slots=True)
class StatusRule:
    status: IecState
    when: Mapping[str, Condition]  # register name -> condition; empty: always


@dataclass(frozen=True, slots=True)
class StatusSpec:
    """Either an IEC 61851 code read as text ("A", "B2", "C1", ...) or rules over named registers."""

    registers: Mapping[str, Register]
    iec: str | None = None  # the register holding the IEC code
    rules: tuple[StatusRule, ...] = ()


@dataclass(frozen=True, slots=True)
class Quantity:
    """A measured value: the raw value times `scale`, in `unit`."""

    register: Register
    unit: str
    scale: float = 1.0


@dataclass(frozen=True, slots=True)
class CurrentSpec:
    register: Register
    write_fc: Literal[6, 16]
    unit: str
    scale: float = 1.0
    minimum_a: float = 6.0
    maximum_a: float = 32.0
    readback: Register | None = None  # None: the charger cannot tell what it was set to

    @property
    def resolution_a(self) -> float:
        """The smallest step the register can express, in A (0 for floats)."""
        if self.register.type in (DataType.FLOAT32, DataType.FLOAT64):
            return 0.0
        return self.scale * CURRENT_UNITS[self.unit]


@dataclass(frozen=True, slots=True)
class EnableSpec:
    method: Literal["current", "register", "coil"]  # current: 0 A disables, the limit enables
    register: Register | None = None
    on: int = 1
    off: int = 0
    write_fc: Literal[5, 6, 16] = 6
    readable: bool = True  # False: the charger cannot tell; we remember what we wrote


@dataclass(frozen=True, slots=True)
class WatchdogSpec:
    """What keeps the charger from falling back to its safe current while we control it."""

    method: Literal["rewrite_current", "write", "read"]
    period_s: float | None  # with period_from: the period when the charger's timeout reads 0 (None: no watchdog)
    register: Register | None = None  # write: where; read: what (the status if none)
    value: int = 1
    value_from: Register | None = None  # write the value read here instead (KEBA)
    write_fc: Literal[6, 16] = 6
    period_from: Register | None = None  # the charger's timeout, to derive the period from
    period_unit: Literal["s", "ms"] = "s"
    period_divisor: float = 2.0


@dataclass(frozen=True, slots=True)
class PhaseSpec:
    register: Register
    values: Mapping[int, int]  # phases -> value written
    write_fc: Literal[6, 16] = 6
    requires: Register | None = None  # the charger can switch only if this reads `requires_value`
    requires_value: int = 1


@dataclass(frozen=True, slots=True)
class InitWrite:
    register: Register
    value: int
    write_fc: Literal[6, 16] = 6


@dataclass(frozen=True, slots=True)
class Profile:
    key: str  # the file name without .yaml
    name: str
    manufacturer: str
    port: int
    unit_id: int
    framer: Literal["socket", "rtu"]
    word_order: WordOrder
    request_gap_s: float
    status: StatusSpec
    current: CurrentSpec
    enable: EnableSpec
    watchdog: WatchdogSpec | None
    power: Quantity | None = None
    currents: Quantity | None = None
    voltages: Quantity | None = None
    energy: Quantity | None = None
    energy_counts: Literal["total", "session"] = "total"
    phases: PhaseSpec | None = None
    identity: Mapping[str, Register | str] = field(default_factory=dict)
    detect: Register | None = None
    detect_pattern: str | None = None
    init: tuple[InitWrite, ...] = ()


CURRENT_UNITS = {"A": 1.0, "0.1A": 0.1, "mA": 0.001}
POWER_UNITS = {"W": 1.0, "kW": 1000.0, "mW": 0.001}
VOLTAGE_UNITS = {"V": 1.0, "0.1V": 0.1, "mV": 0.001}
ENERGY_UNITS = {"kWh": 1.0, "0.1kWh": 0.1, "Wh": 0.001, "0.1Wh": 0.0001}
IDENTITY_FIELDS = ("manufacturer", "model", "serial", "firmware")

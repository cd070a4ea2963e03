"""What the charging controller reads, what it is told, and what it decides.

Pure data: no Home Assistant, no clock of its own. Powers are in W (+ = import at the grid point, battery
+ = discharging), currents in A per phase, times are timezone-aware datetimes given by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
import enum

VOLTAGE_V = 230.0  # per phase, for power <-> current


class Mode(enum.StrEnum):
    OFF = "off"  # never charge
    FAST = "fast"  # as fast as the fuse and the charger allow
    MIN_SOLAR = "min_solar"  # at least the minimum current while plugged in; surplus on top
    SOLAR = "solar"  # only from surplus: start and stop with it
    SCHEDULED = "scheduled"  # a target energy by a departure time, in the cheapest or greenest hours


class PriceKind(enum.StrEnum):
    """What `Settings.prices` measure, so the plan can say why it chose its hours."""

    PRICE = "price"  # lowest value: cheapest
    CO2 = "co2"  # lowest value: greenest


class PhasePolicy(enum.StrEnum):
    AUTO = "auto"  # switch between 1 and 3 phases with the surplus, where the charger can
    ONE = "1"
    THREE = "3"


@dataclass(frozen=True, slots=True)
class SiteReading:
    """The meters at the grid connection point, already in W with our signs (the caller converts)."""

    grid_w: float  # + = import, - = export
    updated_at: datetime  # when the grid meter last reported: older than `meter_timeout_s` is stale
    pv_w: float | None = None
    battery_w: float | None = None  # + = discharging, - = charging
    battery_soc: float | None = None  # percent
    phase_currents_a: tuple[float, float, float] | None = None  # the whole house's, charger included (fuse)


@dataclass(frozen=True, slots=True)
class ChargerReading:
    """The charger and car now."""

    connected: bool  # a car is plugged in
    charging: bool  # the car draws current
    enabled: bool  # charging allowed, as last commanded
    offered_a: float  # the current limit in effect (0 when disabled)
    phases: int  # phases the charger uses now (1 or 3)
    currents_a: tuple[float, float, float] = (0.0, 0.0, 0.0)  # measured per phase
    power_w: float = 0.0
    session_energy_kwh: float = 0.0  # delivered in this session (scheduled mode)


@dataclass(frozen=True, slots=True)
class ChargerLimits:
    """What the charger can do."""

    min_a: float = 6.0
    max_a: float = 16.0
    resolution_a: float = 1.0  # 1.0: whole amps; 0.1 or 0.001 where it takes finer steps
    max_phases: int = 3  # what it is wired for
    phase_switching: bool = False
    phase_switch_pause_s: float = 60.0  # the car stops and restarts on a switch: no other switch this soon


@dataclass(frozen=True, slots=True)
class PriceSlot:
    """One interval of a price (or CO2) forecast; lower is better."""

    start: datetime
    end: datetime
    value: float


@dataclass(frozen=True, slots=True)
class Settings:
    """What the host chose; every field has the default a new installation gets."""

    mode: Mode = Mode.SOLAR
    min_current_a: float = 6.0
    max_current_a: float = 16.0
    phases: PhasePolicy = PhasePolicy.AUTO
    # Start when this much surplus (W) beyond the minimum charging power has lasted `enable_delay_s`;
    # stop when the import at minimum current has exceeded `disable_threshold_w` for `disable_delay_s`.
    # The stop delay runs faster when that import is large and slower when it is small (control/hysteresis.py).
    enable_threshold_w: float = 0.0
    enable_delay_s: float = 60.0
    disable_threshold_w: float = 0.0
    disable_delay_s: float = 180.0
    phase_up_delay_s: float = 120.0
    phase_down_delay_s: float = 180.0
    # 1 -> 3 phases when the surplus exceeds the 3-phase minimum power by `phase_up_threshold_w`;
    # 3 -> 1 when it falls short of it by more than `phase_down_threshold_w`.
    phase_up_threshold_w: float = 0.0
    phase_down_threshold_w: float = 0.0
    min_write_interval_s: float = 30.0  # between setpoint writes: chargers keep them in flash
    fuse_a: float | None = None  # per phase at the grid connection point; None: no load management
    meter_timeout_s: float = 60.0
    battery_priority_soc: float | None = None  # below it the home battery charges first
    residual_w: float = 0.0  # export margin kept at the grid point
    # Scheduled mode.
    target_energy_kwh: float | None = None
    departure: datetime | None = None
    prices: tuple[PriceSlot, ...] = field(default_factory=tuple)
    price_kind: PriceKind = PriceKind.PRICE


@dataclass(frozen=True, slots=True)
class Decision:
    """What the charger should do, and why in a few words for the UI."""

    enabled: bool
    current_a: float  # 0 when not enabled
    phases: int
    reason: str  # "waiting for 1.4 kW surplus for 1 min"
    surplus_w: float | None  # available for the car at the grid point (None: no fresh meter)
    write: bool  # send it to the charger now (False: unchanged, or the minimum write interval holds it back)

"""What the simulated charger does, whatever talks to it: the car, faults, the limit, enable, phases, the meter
and the watchdog, in explicit sim time.

Nothing here knows Modbus. The register map reads this state and calls the `set_*` and `refresh_watchdog`
methods when a write takes effect; the simulated charger (`charger.py`) offers the rest to tests.
"""

from __future__ import annotations

import logging
import math

from custom_components.chargeshare.modbus.profile import IecState, Profile
from custom_components.chargeshare.modbus.registers import Value
from sim.modbus.address_space import int_range
from sim.modbus.status_values import FAULT_STATES, status_codes

_LOGGER = logging.getLogger(__name__)

SAFE_CURRENT_A = 6.0  # what a charger falls back to when its controller goes quiet
MIN_CHARGING_A = 6.0  # below this the car waits (IEC 61851)
VOLTAGE_V = 230.0
ENERGY_START_KWH = 1234.0
DEFAULT_WATCHDOG_PERIOD_S = 30.0  # a timeout read from the charger: what its register shows unless a test says


class ChargerBehaviour:
    """One charger's state and the rules it follows; every change worth knowing is logged."""

    def __init__(
        self,
        profile: Profile,
        *,
        limit_a: float,
        phases: int,
        energy_start_kwh: float,
        watchdog_timeout_s: float | None,
    ) -> None:
        """ValueError if the profile has no status register values for state A, B or C."""
        self.profile = profile
        self._car = False
        self._fault: IecState | None = None
        self._limit_a = limit_a
        self._enabled = True
        self._phases = phases
        self._total_wh = energy_start_kwh * 1000
        self._session_wh = 0.0
        self._status_codes = status_codes(profile)
        self._watchdog_timeout_s, self._watchdog_raw = _watchdog_timeout(profile, watchdog_timeout_s)
        self._watchdog_age_s = 0.0
        self._watchdog_armed = False  # by the first refresh: a charger nobody controls has nothing to fall back from
        self._watchdog_refreshes = 0
        self._fallbacks = 0
        self._shown_state = self.state

    # The car, the charger and time

    def plug_in(self) -> None:
        self._car = True
        self._session_wh = 0.0
        _LOGGER.info("car plugged in")
        self._show_state()

    def unplug(self) -> None:
        self._car = False
        _LOGGER.info("car unplugged after %.2f kWh", self._session_wh / 1000)
        self._show_state()

    def can_show(self, state: IecState) -> bool:
        return state in self._status_codes

    def fault(self, state: IecState | str) -> None:
        state = IecState(state)
        if state not in FAULT_STATES or not self.can_show(state):
            shown = ", ".join(fault for fault in FAULT_STATES if self.can_show(fault)) or "none"
            raise ValueError(f"{self.profile.key} cannot show fault state {state} (it can show: {shown})")
        self._fault = state
        self._show_state()

    def clear_fault(self) -> None:
        self._fault = None
        self._show_state()

    def advance(self, seconds: float) -> None:
        """The meter counts what the car draws, and an armed watchdog ages until it runs out."""
        while seconds > 0:
            until_fallback = self._time_to_fallback_s()
            step = min(seconds, until_fallback)
            self._total_wh += self.power_w * step / 3600
            self._session_wh += self.power_w * step / 3600
            seconds -= step
            if self._watchdog_armed:
                self._watchdog_age_s += step
                if step >= until_fallback:
                    self._fall_back()

    # The state

    @property
    def state(self) -> IecState:
        if self._fault is not None:
            return self._fault
        if not self._car:
            return IecState.A
        return IecState.C if self.charging_current_a > 0 else IecState.B

    @property
    def status_values(self) -> dict[str, Value]:
        """The status register values (by name) that show the current state."""
        return self._status_codes[self.state]

    @property
    def car_connected(self) -> bool:
        return self._car

    @property
    def limit_a(self) -> float:
        return self._limit_a

    @property
    def switched_on(self) -> bool:
        """What the enable register was last set to."""
        return self._enabled

    @property
    def enabled(self) -> bool:
        """Switched on; or, where the profile enables by current, a limit above 0 A."""
        if self.profile.enable.method == "current":
            return self._limit_a > 0
        return self._enabled

    @property
    def phases(self) -> int:
        return self._phases

    @property
    def charging_current_a(self) -> float:
        if self._fault is not None or not self._car or not self.enabled or self._limit_a < MIN_CHARGING_A:
            return 0.0
        return self._limit_a

    @property
    def power_w(self) -> float:
        return self.charging_current_a * VOLTAGE_V * self._phases

    @property
    def energy_kwh(self) -> float:
        return (self._session_wh if self.profile.energy_counts == "session" else self._total_wh) / 1000

    @property
    def total_kwh(self) -> float:
        """Everything delivered, whatever the energy register counts."""
        return self._total_wh / 1000

    @property
    def watchdog_timeout_s(self) -> float | None:
        return self._watchdog_timeout_s if self.profile.watchdog is not None else None

    @property
    def watchdog_raw(self) -> int:
        """What the watchdog's period_from (or value_from) register shows for the timeout."""
        return self._watchdog_raw

    @property
    def watchdog_refreshes(self) -> int:
        return self._watchdog_refreshes

    @property
    def fallbacks(self) -> int:
        return self._fallbacks

    # What writes do

    def set_limit(self, amps: float) -> None:
        """A new setpoint; it also refreshes a `rewrite_current` watchdog."""
        if amps != self._limit_a:
            _LOGGER.info("setpoint %.1f A", amps)
        self._limit_a = amps
        if self.profile.watchdog is not None and self.profile.watchdog.method == "rewrite_current":
            self.refresh_watchdog()
        self._show_state()

    def set_enabled(self, enabled: bool) -> None:
        if enabled != self._enabled:
            _LOGGER.info("charging %s", "enabled" if enabled else "disabled")
        self._enabled = enabled
        self._show_state()

    def set_phases(self, phases: int) -> None:
        if phases != self._phases:
            _LOGGER.info("%d phase%s", phases, "" if phases == 1 else "s")
        self._phases = phases
        self._show_state()

    def refresh_watchdog(self) -> None:
        """Start the watchdog's time over (and arm it, the first time)."""
        self._watchdog_age_s = 0.0
        self._watchdog_armed = True
        self._watchdog_refreshes += 1

    # The watchdog running out, and the log

    def _time_to_fallback_s(self) -> float:
        return self._watchdog_timeout_s - self._watchdog_age_s if self._watchdog_armed else math.inf

    def _fall_back(self) -> None:
        _LOGGER.warning("watchdog: no refresh for %.0f s, falling back to %.0f A", self._watchdog_age_s, SAFE_CURRENT_A)
        self._watchdog_armed = False
        self._fallbacks += 1
        self._limit_a = SAFE_CURRENT_A
        self._show_state()

    def _show_state(self) -> None:
        if self.state is not self._shown_state:
            self._shown_state = self.state
            details = f" at {self._limit_a:.1f} A x {self._phases}" if self.state is IecState.C else ""
            _LOGGER.info("status %s%s", self.state, details)


def _watchdog_timeout(profile: Profile, override_s: float | None) -> tuple[float, int]:
    """The charger's timeout in seconds, and the raw value its period_from register shows for it.

    With period_from, the default makes the driver's derived period equal the profile's period_s. An override
    of 0 shows 0 there, which means the charger's default timeout (the one period_s is derived from) where the
    profile gives a period_s, and no timeout at all where it does not.
    """
    spec = profile.watchdog
    if spec is None:
        return math.inf, 0
    if override_s == 0 and spec.period_from is not None:
        return (spec.period_s * spec.period_divisor if spec.period_s else math.inf), 0
    period_s = spec.period_s or DEFAULT_WATCHDOG_PERIOD_S
    if override_s is not None:
        timeout_s = override_s
    elif spec.period_from is not None:
        timeout_s = period_s * spec.period_divisor
    else:
        timeout_s = 2 * period_s
    per_second = 1000 if spec.period_unit == "ms" else 1
    register = spec.period_from or spec.value_from
    if register is None:
        return timeout_s, round(timeout_s * per_second)
    low, high = int_range(register)
    raw = min(max(round(timeout_s * per_second), low, 1), high)  # what the register can hold is the timeout
    return raw / per_second, raw

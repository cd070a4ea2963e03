"""A Modbus TCP charger behind the Charger contract, driven entirely by its profile.

A poll task reads the status and meter at the configured interval and reconnects with backoff when the
charger cannot be reached (logged once per outage). A watchdog task keeps the charger from falling back
to its safe current while we control it. Setpoint writes are read back. Sessions are derived from the
status (a car arrives, a car leaves) and kept, with the energy register, by a ChargerMeter.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
import logging
from typing import Any

from ..charger import (
    Capability,
    ChargerError,
    ChargerIdentity,
    ChargerNotSupported,
    ChargerOffline,
    ChargerRejected,
    ChargerState,
    ChargerStatus,
    Listener,
    Listeners,
)
from ..metering.meter import ChargerMeter, MeterSample
from .charger_registers import ChargerRegisters
from .link import ModbusLink
from .profile import CURRENT_UNITS, ENERGY_UNITS, POWER_UNITS, VOLTAGE_UNITS, Profile, WatchdogSpec
from .registers import Register, Value
from .status import charger_status, decode_status

_LOGGER = logging.getLogger(__name__)

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 60.0
_CANCEL_AGAIN_S = 0.1
_MAX_VOLTAGE_V = 253.0
_CONNECTED = (ChargerStatus.CONNECTED, ChargerStatus.CHARGING)


@dataclass(frozen=True, slots=True)
class ModbusChargerSettings:
    host: str
    port: int
    unit_id: int
    max_current_a: float = 16.0
    phases: int = 3
    poll_interval_s: float = 5.0
    timeout_s: float = 3.0  # for one answer; RS485 gateways can be slow


class ModbusCharger:
    """One Modbus charger; `async_start` begins polling, `async_stop` ends it."""

    def __init__(
        self,
        settings: ModbusChargerSettings,
        profile: Profile,
        *,
        charger_id: str | None = None,
        stored: dict[str, Any] | None = None,
        on_persist: Callable[[], None] = lambda: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._settings = settings
        self.profile = profile
        self.address = f"{settings.host}:{settings.port}/{settings.unit_id}"
        self._charger_id = charger_id or self.address
        self._on_persist = on_persist
        self._now = now
        stored = stored or {}
        self._meter = ChargerMeter(self.charger_id, stored.get("book"), self._max_power_kw, now)
        self._enabled = stored.get("enabled", True)
        self._limit_a = stored.get("current_limit_a")
        self._register_kwh = stored.get("session_register_kwh")  # last reading of a session register
        if not isinstance(self._enabled, bool) or not all(
            isinstance(value, int | float | None) for value in (self._limit_a, self._register_kwh)
        ):
            raise ValueError(
                f"enabled={self._enabled!r}, current_limit_a={self._limit_a!r}, "
                f"session_register_kwh={self._register_kwh!r}"
            )
        self._link = ModbusLink(
            settings.host,
            settings.port,
            framer=profile.framer,
            request_gap_s=profile.request_gap_s,
            timeout_s=settings.timeout_s,
        )
        self._registers = ChargerRegisters(self._link, profile, settings.unit_id)
        self._poll_task: asyncio.Task[None] | None = None
        self._watchdog_task: asyncio.Task[None] | None = None
        self._online = False
        self._status: ChargerStatus | None = None
        self._identity = ChargerIdentity(vendor=profile.manufacturer)
        self._capabilities = self._static_capabilities()
        self._watchdog_period_s = (profile.watchdog.period_s or 0.0) if profile.watchdog else 0.0
        self._unknown_status: dict[str, Value] | None = None
        self._listeners = Listeners()
        self._state: ChargerState | None = None

    # ------------------------------------------------------------------ the contract

    @property
    def charger_id(self) -> str:
        """The key of its records: its owner's, which outlives a change of address, or else its address."""
        return self._charger_id

    @property
    def settings(self) -> ModbusChargerSettings:
        return self._settings

    @property
    def state(self) -> ChargerState:
        if self._state is None:
            self._state = ChargerState(
                online=self._online,
                status=self._status,
                enabled=self._enabled,
                current_limit_a=self._limit_a,
                max_current_a=self._max_current_a,
                phases=self._settings.phases,
                meter=self._meter.reading,
                session=self._meter.session,
                identity=self._identity,
                capabilities=self._capabilities,
            )
        return self._state

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        return self._listeners.add(listener)

    async def async_enable(self, enabled: bool) -> None:
        self._require_online()
        await self._apply(self._limit_when_enabled(), enabled)
        self._enabled = enabled
        self._changed(persist=True)

    async def async_set_current(self, amps: float, phases: int | None = None) -> None:
        self._require_online()
        if phases is not None and phases != self._settings.phases:
            await self._switch_phases(phases)
        amps = self._acceptable(amps)
        if self._enabled:
            await self._write_current(amps)
        self._limit_a = amps
        self._changed(persist=True)

    # ------------------------------------------------------------------ lifecycle

    async def async_start(self) -> None:
        self._poll_task = asyncio.get_running_loop().create_task(self._run(), name=f"modbus {self.address}")

    async def async_stop(self) -> None:
        # Cancelling once is not enough: Python 3.11's wait_for, which pymodbus awaits answers with, drops a
        # cancellation that arrives together with the answer. So cancel until the tasks are really gone.
        while tasks := [task for task in (self._poll_task, self._watchdog_task) if task and not task.done()]:
            for task in tasks:
                task.cancel()
            await asyncio.wait(tasks, timeout=_CANCEL_AGAIN_S)
        self._poll_task = self._watchdog_task = None
        self._link.close()
        self._set_online(False)

    def update_settings(self, settings: ModbusChargerSettings) -> None:
        """Take new limits, phases and poll interval; another address needs another ModbusCharger."""
        if (settings.host, settings.port, settings.unit_id) != (
            self._settings.host,
            self._settings.port,
            self._settings.unit_id,
        ):
            raise ValueError(f"{self.address}: the address of a running charger cannot change")
        self._settings = settings
        if self._limit_a is not None:
            self._limit_a = min(self._limit_a, self._max_current_a)
        self._changed(persist=True)

    def persisted(self) -> dict[str, Any]:
        return {
            "book": self._meter.persisted(),
            "enabled": self._enabled,
            "current_limit_a": self._limit_a,
            "session_register_kwh": self._register_kwh,
        }

    # ------------------------------------------------------------------ the poll loop

    async def _run(self) -> None:
        retry_s = RETRY_FIRST_S
        outage: str | None = None
        while True:
            try:
                if not self._link.connected:
                    await self._link.connect()
                    await self._after_connect()
                await self._poll()
            except ChargerError as err:
                if outage is None:
                    outage = str(err)
                    _LOGGER.warning("Charger %s is unreachable: %s (logged once until it is back)", self.address, err)
                self._stop_watchdog()
                self._link.close()
                self._set_online(False)
                await asyncio.sleep(retry_s)
                retry_s = min(retry_s * 2, RETRY_MAX_S)
                continue
            if outage is not None:
                _LOGGER.warning("Charger %s is back", self.address)
                outage = None
            retry_s = RETRY_FIRST_S
            await asyncio.sleep(self._settings.poll_interval_s)

    async def _after_connect(self) -> None:
        for write in self.profile.init:
            await self._registers.write(write.register, write.value, write.write_fc)
        self._identity = await self._registers.identity()
        if self.profile.phases and self.profile.phases.requires:
            capable = await self._registers.value(self.profile.phases.requires) == self.profile.phases.requires_value
            self._capabilities = self._static_capabilities(phase_switching=capable)
        watchdog = self.profile.watchdog
        if watchdog is not None and watchdog.period_from is not None:
            self._watchdog_period_s = await self._watchdog_period(watchdog, watchdog.period_from)
            if not self._watchdog_period_s:
                _LOGGER.debug("%s: its failsafe timeout is off: no watchdog needed", self.address)
        if self._limit_a is not None or not self._enabled:  # the charger may have forgotten it
            await self._apply(self._limit_when_enabled(), self._enabled)
        self._start_watchdog()

    async def _poll(self) -> None:
        spec = self.profile.status
        values = {name: await self._registers.value(register) for name, register in spec.registers.items()}
        iec = decode_status(spec, values)
        if iec is None and values != self._unknown_status:  # an undocumented code: say so once, stay online
            _LOGGER.warning("%s: status %s is not in profile %s", self.address, values, self.profile.key)
        self._unknown_status = values if iec is None else None
        energy_kwh, register_kwh = await self._read_energy()
        sample = MeterSample(
            timestamp=self._now(),
            power_w=await self._registers.quantity(self.profile.power, POWER_UNITS),
            current_a=await self._registers.phases(self.profile.currents, CURRENT_UNITS),
            voltage_v=await self._registers.phases(self.profile.voltages, VOLTAGE_UNITS),
            energy_kwh=energy_kwh,
        )
        self._register_kwh = register_kwh  # only now: every read of this poll succeeded
        self._set_online(True)
        self._follow_session(None if iec is None else charger_status(iec), sample)

    def _follow_session(self, status: ChargerStatus | None, sample: MeterSample) -> None:
        """A car arriving starts a session, a car leaving ends it."""
        arrived = status in _CONNECTED and self._meter.active_transaction_id is None
        left = status is ChargerStatus.NO_VEHICLE and self._meter.active_transaction_id is not None
        energy_before = self._meter.reading.energy_kwh
        if arrived:
            start_kwh = sample.energy_kwh if sample.energy_kwh is not None else energy_before
            self._meter.start(None, start_kwh or 0.0, self._now())
        self._meter.take(None, sample)
        if left:
            transaction_id = self._meter.active_transaction_id
            assert transaction_id is not None
            self._meter.stop(transaction_id, None, self._now(), "EVDisconnected", MeterSample())
        if status not in (ChargerStatus.CHARGING, None):  # outside state C no current flows
            self._meter.stop_flow()
        persist = arrived or left or self._meter.reading.energy_kwh != energy_before
        self._status = status
        self._changed(persist=persist)

    # ------------------------------------------------------------------ the watchdog

    def _start_watchdog(self) -> None:
        if self.profile.watchdog is not None and self._watchdog_period_s > 0:
            self._stop_watchdog()
            self._watchdog_task = asyncio.get_running_loop().create_task(self._keep_alive(self.profile.watchdog))

    def _stop_watchdog(self) -> None:
        if self._watchdog_task is not None:
            self._watchdog_task.cancel()
            self._watchdog_task = None

    async def _keep_alive(self, watchdog: WatchdogSpec) -> None:
        while asyncio.current_task() is self._watchdog_task:  # not so once replaced, if its cancellation was lost
            await asyncio.sleep(self._watchdog_period_s)
            try:
                if watchdog.method == "rewrite_current":
                    await self._write_current(self._limit_when_enabled() if self._enabled else 0.0, verify=False)
                elif watchdog.register is not None and watchdog.method == "write":
                    value = await self._registers.value(watchdog.value_from) if watchdog.value_from else watchdog.value
                    await self._registers.write(watchdog.register, value, watchdog.write_fc)
                else:
                    await self._registers.value(watchdog.register or next(iter(self.profile.status.registers.values())))
            except ChargerError as err:  # the poll loop notices the outage and restarts us
                _LOGGER.debug("%s: watchdog refresh failed: %s", self.address, err)

    async def _watchdog_period(self, watchdog: WatchdogSpec, period_from: Register) -> float:
        """Our refresh period from the charger's own timeout.

        A timeout of 0 means the charger's default for some (Vestel), off for others: the profile's period_s
        then, and 0 (nothing to keep alive) where it gives none.
        """
        timeout = float(await self._registers.value(period_from))
        if watchdog.period_unit == "ms":
            timeout /= 1000
        return max(1.0, timeout / watchdog.period_divisor) if timeout > 0 else watchdog.period_s or 0.0

    # ------------------------------------------------------------------ writes

    async def _apply(self, limit_a: float, enabled: bool) -> None:
        """Make the charger charge at `limit_a`, or not at all; our intent, not the charger's, is what counts."""
        enable = self.profile.enable
        if enable.method == "current":
            await self._write_current(limit_a if enabled else 0.0)
            return
        assert enable.register is not None
        await self._write_current(limit_a)
        wanted = enable.on if enabled else enable.off
        await self._registers.write(enable.register, wanted, enable.write_fc)
        if enable.readable and await self._registers.value(enable.register) != wanted:
            raise ChargerRejected(f"{self.address} did not take the {'enable' if enabled else 'disable'} command")

    async def _write_current(self, amps: float, *, verify: bool = True) -> None:
        await self._registers.write_current(amps)
        kept = await self._registers.current_applied() if verify else None
        if kept is not None and abs(kept - amps) > max(self.profile.current.resolution_a, 0.01) / 2:
            raise ChargerRejected(f"{self.address} kept {kept:g} A after we set {amps:g} A")

    async def _switch_phases(self, phases: int) -> None:
        spec = self.profile.phases
        if spec is None or Capability.PHASE_SWITCHING not in self._capabilities:
            raise ChargerNotSupported(f"{self.address} cannot switch to {phases} phases")
        if phases not in spec.values:
            raise ChargerNotSupported(f"{self.address} has no {phases}-phase setting")
        await self._registers.write(spec.register, spec.values[phases], spec.write_fc)
        self._settings = replace(self._settings, phases=phases)

    # ------------------------------------------------------------------ reads

    async def _read_energy(self) -> tuple[float | None, float | None]:
        """The energy total, and (for a session register) the register reading it was derived from."""
        reading = await self._registers.quantity(self.profile.energy, ENERGY_UNITS)
        if reading is None or self.profile.energy_counts == "total":
            return reading, None
        # A session register restarts with every session: add what it counted to a total that only grows.
        total = self._meter.reading.energy_kwh or 0.0
        previous = self._register_kwh
        if previous is None:
            return total, reading
        return total + (reading - previous if reading >= previous else reading), reading

    # ------------------------------------------------------------------ internals

    @property
    def _max_current_a(self) -> float:
        return min(self._settings.max_current_a, self.profile.current.maximum_a)

    def _max_power_kw(self) -> float:
        return self._max_current_a * _MAX_VOLTAGE_V * self._settings.phases / 1000

    def _acceptable(self, amps: float) -> float:
        """The nearest current the charger takes: 0 (where that pauses), or min..max in its resolution."""
        current = self.profile.current
        if amps <= 0:
            return 0.0
        amps = min(max(amps, current.minimum_a), self._max_current_a)
        step = current.resolution_a
        return round(amps / step) * step if step else amps

    def _limit_when_enabled(self) -> float:
        return self._max_current_a if self._limit_a is None else self._limit_a

    def _static_capabilities(self, *, phase_switching: bool | None = None) -> Capability:
        capabilities = Capability.SMART_CHARGING
        if self.profile.current.resolution_a < 1:
            capabilities |= Capability.MILLIAMP_RESOLUTION
        can_switch = self.profile.phases is not None and self.profile.phases.requires is None
        if phase_switching if phase_switching is not None else can_switch:
            capabilities |= Capability.PHASE_SWITCHING
        return capabilities

    def _require_online(self) -> None:
        if not self._online:
            raise ChargerOffline(f"{self.address} is not reachable")

    def _set_online(self, online: bool) -> None:
        if online != self._online:
            self._online = online
            self._changed()

    def _changed(self, *, persist: bool = False) -> None:
        self._state = None
        if persist:
            self._on_persist()
        self._listeners.notify()

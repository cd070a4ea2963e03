"""One OCPP 1.6 charger behind the Charger contract: its connection, live state and commands.

Messages from the charge point arrive as `Station` events (see protocol16.py) and update the state;
commands go out through the connected ChargePoint16. Readings, sessions and the energy register live in a
ChargerMeter (metering.py) that the owner persists (`persisted()` / `stored=`), so nothing is lost across
restarts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
import logging
from typing import Any, TypeVar

from aiohttp import WSCloseCode
from ocpp.v16 import call
from ocpp.v16.datatypes import ChargingProfile
from ocpp.v16.enums import AvailabilityType, MessageTrigger, ResetType

from ..charger import (
    Capability,
    ChargerError,
    ChargerIdentity,
    ChargerNotSupported,
    ChargerOffline,
    ChargerRejected,
    ChargerState,
    ChargerStatus,
    ConnectorStatus,
    Listener,
    Listeners,
)
from ..metering.meter import ChargerMeter, MeterSample
from . import configuration
from .authorization import AuthorizationStatus, IdTagAuthorizer
from .connection import Connection
from .measurands import parse_timestamp
from .protocol16 import BootInfo, ChargePoint16
from .smart_charging import LimitContext, ProfileWriter

_LOGGER = logging.getLogger(__name__)
_T = TypeVar("_T")

REMOTE_START_TAG = "HomeAssistant"
CONNECTOR_ID = 1
_MAX_VOLTAGE_V = 253.0  # 230 V + 10 %: the most power a charger can deliver, for telling glitches apart
_STATUS = {
    "Available": (ConnectorStatus.AVAILABLE, ChargerStatus.NO_VEHICLE),
    "Preparing": (ConnectorStatus.PREPARING, ChargerStatus.CONNECTED),
    "Charging": (ConnectorStatus.CHARGING, ChargerStatus.CHARGING),
    "SuspendedEV": (ConnectorStatus.SUSPENDED_EV, ChargerStatus.CONNECTED),
    "SuspendedEVSE": (ConnectorStatus.SUSPENDED_EVSE, ChargerStatus.CONNECTED),
    "Finishing": (ConnectorStatus.FINISHING, ChargerStatus.CONNECTED),
    "Reserved": (ConnectorStatus.RESERVED, ChargerStatus.NO_VEHICLE),
    "Unavailable": (ConnectorStatus.UNAVAILABLE, ChargerStatus.FAULT),
    "Faulted": (ConnectorStatus.FAULTED, ChargerStatus.ERROR),
}


@dataclass(frozen=True, slots=True)
class OcppChargerSettings:
    charge_point_id: str
    password: str | None = None
    max_current_a: float = 16.0
    phases: int = 3
    validate_messages: bool = True


class OcppCharger:
    """A charger that connects to our central system over OCPP 1.6J."""

    def __init__(
        self,
        settings: OcppChargerSettings,
        authorizer: IdTagAuthorizer,
        *,
        stored: dict[str, Any] | None = None,
        on_persist: Callable[[], None] = lambda: None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        profile_interval_s: float,
    ) -> None:
        self._settings = settings
        self._authorizer = authorizer
        self._on_persist = on_persist
        self._now = now
        stored = stored or {}
        self._metering = ChargerMeter(settings.charge_point_id, stored.get("book"), self._max_power_kw, now)
        self._enabled = stored.get("enabled", True)
        self._limit_a = stored.get("current_limit_a")
        if not isinstance(self._enabled, bool) or not isinstance(self._limit_a, int | float | None):
            raise ValueError(f"enabled={self._enabled!r}, current_limit_a={self._limit_a!r}")
        self._charge_point: ChargePoint16 | None = None
        self._connection: Connection | None = None
        self._after_boot_task: asyncio.Task[None] | None = None
        self._identity = ChargerIdentity()
        self._capabilities = configuration.ASSUMED_CAPABILITIES
        self._connector: ConnectorStatus | None = None
        self._status: ChargerStatus | None = None
        self._error_code: str | None = None
        self._last_id_tag: str | None = None
        self._measurands_configured = False
        self._listeners = Listeners()
        self._state: ChargerState | None = None
        self._writer = ProfileWriter(self._send_profile, self._limit_context, min_interval_s=profile_interval_s)

    # ------------------------------------------------------------------ the contract

    @property
    def charger_id(self) -> str:
        return self._settings.charge_point_id

    @property
    def settings(self) -> OcppChargerSettings:
        return self._settings

    @property
    def authorizer(self) -> IdTagAuthorizer:
        return self._authorizer

    @authorizer.setter
    def authorizer(self, authorizer: IdTagAuthorizer) -> None:
        self._authorizer = authorizer
        self._changed()

    @property
    def state(self) -> ChargerState:
        if self._state is None:
            self._state = ChargerState(
                online=self._charge_point is not None,
                status=self._status,
                connector_status=self._connector,
                error_code=self._error_code,
                available=None if self._connector is None else self._connector is not ConnectorStatus.UNAVAILABLE,
                enabled=self._enabled,
                current_limit_a=self._limit_a,
                max_current_a=self._settings.max_current_a,
                phases=self._settings.phases,
                meter=self._metering.reading,
                session=self._metering.session,
                last_id_tag=self._last_id_tag,
                last_id_tag_name=self.authorizer.name(self._last_id_tag) if self._last_id_tag else None,
                identity=self._identity,
                capabilities=self._capabilities,
            )
        return self._state

    def add_listener(self, listener: Listener) -> Callable[[], None]:
        return self._listeners.add(listener)

    async def async_enable(self, enabled: bool) -> None:
        """Allow charging (resume, or start a session for a waiting car) or forbid it (pause)."""
        self._require_online()
        if enabled:
            if Capability.SMART_CHARGING in self._capabilities:
                await self._writer.async_apply(self._limit_when_enabled())
            if self._metering.active_transaction_id is None and self._connector is ConnectorStatus.PREPARING:
                await self.async_start_session()
        elif not await self._paused_by_profile() and self._metering.active_transaction_id is not None:
            await self.async_stop_session()
        self._enabled = enabled
        self._changed(persist=True)

    async def async_set_current(self, amps: float, phases: int | None = None) -> None:
        self._require_online()
        if phases is not None and phases != self._settings.phases:
            raise ChargerNotSupported(f"{self.charger_id} cannot switch to {phases} phases")
        amps = round(min(max(amps, 0.0), self._settings.max_current_a), 1)
        if self._enabled:
            self._require(Capability.SMART_CHARGING)
            await self._writer.async_apply(amps)
        self._limit_a = amps
        self._changed(persist=True)

    # ------------------------------------------------------------------ OCPP commands

    async def async_start_session(self, id_tag: str | None = None) -> None:
        tag = id_tag or REMOTE_START_TAG
        result = await self._request(call.RemoteStartTransaction(id_tag=tag, connector_id=CONNECTOR_ID))
        self._expect(result.status, "Accepted", "RemoteStartTransaction")

    async def async_stop_session(self) -> None:
        transaction_id = self._metering.active_transaction_id
        if transaction_id is None:
            raise ChargerRejected(f"{self.charger_id} has no session running")
        result = await self._request(call.RemoteStopTransaction(transaction_id=transaction_id))
        self._expect(result.status, "Accepted", "RemoteStopTransaction")

    async def async_reserve(self, reservation_id: int, id_tag: str, expiry: datetime) -> None:
        """Hold the connector for `id_tag` until `expiry` (OCPP ReserveNow); the charger lets the reservation lapse."""
        self._require(Capability.RESERVATIONS)
        expiry_date = expiry.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        result = await self._request(
            call.ReserveNow(
                connector_id=CONNECTOR_ID, expiry_date=expiry_date, id_tag=id_tag, reservation_id=reservation_id
            )
        )
        self._expect(result.status, "Accepted", "ReserveNow")

    async def async_cancel_reservation(self, reservation_id: int) -> None:
        self._require(Capability.RESERVATIONS)
        result = await self._request(call.CancelReservation(reservation_id=reservation_id))
        self._expect(result.status, "Accepted", "CancelReservation")

    async def async_set_available(self, available: bool) -> None:
        kind = AvailabilityType.operative if available else AvailabilityType.inoperative
        result = await self._request(call.ChangeAvailability(connector_id=0, type=kind))
        self._expect(result.status, ("Accepted", "Scheduled"), "ChangeAvailability")

    async def async_reset(self) -> None:
        result = await self._request(call.Reset(type=ResetType.hard))
        self._expect(result.status, "Accepted", "Reset")

    async def async_unlock(self) -> None:
        result = await self._request(call.UnlockConnector(connector_id=CONNECTOR_ID))
        self._expect(result.status, "Unlocked", "UnlockConnector")

    async def async_get_configuration(self, keys: list[str] | None = None) -> dict[str, Any]:
        result = await self._request(call.GetConfiguration(key=keys or None))
        return {
            "configuration": [
                {"key": item["key"], "value": item.get("value"), "readonly": item["readonly"]}
                for item in result.configuration_key or []
            ],
            "unknown_keys": list(result.unknown_key or []),
        }

    async def async_change_configuration(self, key: str, value: str) -> str:
        """Change a configuration key; returns the charger's answer (Accepted, RebootRequired, ...)."""
        result = await self._request(call.ChangeConfiguration(key=key, value=value))
        return str(result.status)

    async def async_trigger_message(self, message: str) -> str:
        self._require(Capability.TRIGGER_MESSAGE)
        connector = CONNECTOR_ID if message in ("MeterValues", "StatusNotification") else None
        result = await self._request(
            call.TriggerMessage(requested_message=MessageTrigger(message), connector_id=connector)
        )
        return str(result.status)

    # ------------------------------------------------------------------ connection

    async def async_serve(self, connection: Connection) -> None:
        """Run the charge point on `connection` until it closes; a newer connection replaces an older one."""
        if self._connection is not None:
            await self._connection.close(WSCloseCode.POLICY_VIOLATION)
        charge_point = ChargePoint16(self.charger_id, connection, self, validate=self._settings.validate_messages)
        self._charge_point, self._connection = charge_point, connection
        self._changed()
        try:
            await charge_point.start()
        except ConnectionError:  # ConnectionClosed, or the socket reset under us
            pass
        finally:
            if self._charge_point is charge_point:
                self._charge_point = self._connection = None
                self._writer.cancel()
                if self._after_boot_task:
                    self._after_boot_task.cancel()
                    await asyncio.wait([self._after_boot_task])
                self._changed()

    async def async_disconnect(self, code: int = WSCloseCode.GOING_AWAY) -> None:
        if self._connection is not None:
            await self._connection.close(code)

    def update_settings(self, settings: OcppChargerSettings) -> None:
        """Take new settings; the password and validation apply from the next connection."""
        self._settings = settings
        if self._limit_a is not None and self._limit_a > settings.max_current_a:
            self._limit_a = settings.max_current_a
        self._changed(persist=True)

    def persisted(self) -> dict[str, Any]:
        return {"book": self._metering.persisted(), "enabled": self._enabled, "current_limit_a": self._limit_a}

    # ------------------------------------------------------------------ station events

    def on_boot(self, boot: BootInfo) -> bool:
        self._identity = ChargerIdentity(boot.vendor, boot.model, boot.serial, boot.firmware)
        self._changed()
        return True

    def after_boot(self) -> None:
        if self._after_boot_task is not None:  # booted again on the same connection: start over
            self._after_boot_task.cancel()
        self._writer.forget_applied()
        self._after_boot_task = asyncio.get_running_loop().create_task(self._configure_after_boot())

    def on_heartbeat(self) -> None:
        """A heartbeat proves only that the charge point lives; the websocket says so already."""

    def on_status(self, connector_id: int, status: str, error_code: str, info: str | None) -> None:
        mapped = _STATUS.get(status)
        if mapped is None:
            _LOGGER.warning("%s: unknown connector status %r", self.charger_id, status)
            return
        # Connector 0 is the charge point as a whole: only its faults (or a first status) concern the connector.
        whole_point_matters = mapped[0] in (ConnectorStatus.UNAVAILABLE, ConnectorStatus.FAULTED) or (
            self._connector is None
        )
        if connector_id != CONNECTOR_ID and not (connector_id == 0 and whole_point_matters):
            return
        self._connector, self._status = mapped
        self._error_code = None if error_code == "NoError" else error_code
        if self._status is not ChargerStatus.CHARGING:
            self._metering.stop_flow()
        self._changed()

    def on_meter_values(self, connector_id: int, transaction_id: int | None, sample: MeterSample) -> None:
        self._metering.take(transaction_id, sample)
        self._changed(persist=sample.energy_kwh is not None)

    def on_authorize(self, id_tag: str) -> AuthorizationStatus:
        self._last_id_tag = id_tag
        self._changed()
        return self.authorizer.status(id_tag)

    def on_start_transaction(
        self, connector_id: int, id_tag: str, meter_start_wh: int, timestamp: str
    ) -> tuple[int, AuthorizationStatus]:
        status = self.authorizer.status(id_tag)
        started_at = parse_timestamp(timestamp) or self._now()
        self._last_id_tag = id_tag
        if status is AuthorizationStatus.ACCEPTED:
            transaction_id = self._metering.start(id_tag, meter_start_wh / 1000, started_at)
        else:
            transaction_id = self._metering.refuse(started_at)
        self._changed(persist=True)
        return transaction_id, status

    def on_stop_transaction(
        self, transaction_id: int, meter_stop_wh: int, timestamp: str, reason: str, sample: MeterSample
    ) -> None:
        ended_at = parse_timestamp(timestamp) or self._now()
        self._metering.stop(transaction_id, meter_stop_wh / 1000, ended_at, reason, sample)
        self._changed(persist=True)

    def on_firmware_status(self, status: str) -> None:
        _LOGGER.info("%s: firmware update %s", self.charger_id, status)

    # ------------------------------------------------------------------ internals

    def _max_power_kw(self) -> float:
        return self._settings.max_current_a * _MAX_VOLTAGE_V * self._settings.phases / 1000

    async def _configure_after_boot(self) -> None:
        """Learn what the charger supports, ask for the meter values we show, restore our limit.

        Each step stands on its own: a charger that refuses one still gets the others.
        """
        answer = await self._attempt("read its configuration", self.async_get_configuration(configuration.KEYS))
        values = {item["key"]: item["value"] for item in answer["configuration"]} if answer else {}
        self._capabilities = configuration.capabilities(values)
        self._writer.rate_unit = configuration.rate_unit(values)
        self._writer.stack_level = configuration.max_stack_level(values)
        self._changed()
        if not self._measurands_configured:  # once per run: a charger that reboots on it must not loop
            self._measurands_configured = True
            for key, value in configuration.meter_value_changes(values):
                await self._attempt(f"set {key}", self.async_change_configuration(key, value))
        if Capability.TRIGGER_MESSAGE in self._capabilities:
            await self._attempt("report its status", self.async_trigger_message("StatusNotification"))
        restore = self._limit_a is not None or not self._enabled
        if restore and Capability.SMART_CHARGING in self._capabilities:
            limit = self._limit_when_enabled() if self._enabled else 0.0
            await self._attempt("restore the current limit", self._writer.async_apply(limit))

    async def _attempt(self, what: str, step: Awaitable[_T]) -> _T | None:
        try:
            return await step
        except ChargerError as err:
            _LOGGER.info("%s: could not %s after its boot: %s", self.charger_id, what, err)
            return None

    async def _paused_by_profile(self) -> bool:
        if Capability.SMART_CHARGING not in self._capabilities:
            return False
        try:
            await self._writer.async_apply(0.0)
        except (ChargerRejected, ChargerNotSupported):
            return False
        return True

    def _limit_when_enabled(self) -> float:
        return self._settings.max_current_a if self._limit_a is None else self._limit_a

    def _limit_context(self) -> LimitContext:
        voltages = [v for v in self._metering.reading.voltage_v if v]
        return LimitContext(
            connector_id=CONNECTOR_ID,
            phases=self._settings.phases,
            voltage_v=sum(voltages) / len(voltages) if voltages else None,
            transaction_id=self._metering.active_transaction_id,
            now=self._now(),
        )

    async def _send_profile(self, connector_id: int, profile: ChargingProfile) -> bool:
        try:
            result = await self._request(
                call.SetChargingProfile(connector_id=connector_id, cs_charging_profiles=profile)
            )
        except ChargerNotSupported:
            return False
        return bool(result.status == "Accepted")

    async def _request(self, payload: Any) -> Any:
        self._require_online()
        assert self._charge_point is not None
        return await self._charge_point.request(payload)

    def _require_online(self) -> None:
        if self._charge_point is None:
            raise ChargerOffline(f"{self.charger_id} is not connected")

    def _require(self, capability: Capability) -> None:
        if capability not in self._capabilities:
            raise ChargerNotSupported(f"{self.charger_id} does not support {capability.name}")

    def _expect(self, status: str, accepted: str | tuple[str, ...], action: str) -> None:
        if status not in ((accepted,) if isinstance(accepted, str) else accepted):
            raise ChargerRejected(f"{self.charger_id} answered {action} with {status}")

    def _changed(self, *, persist: bool = False) -> None:
        self._state = None
        if persist:
            self._on_persist()
        self._listeners.notify()

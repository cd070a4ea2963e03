"""A simulated OCPP 1.6J charge point, built on the ocpp library, for tests, the demo and benchmarks.

It behaves like a single-connector wallbox: boots, reports its status, lets a car be plugged in,
authorizes id tags, charges with 1- or 3-phase meter values in the units a given charger uses, and
obeys the central system: remote start/stop, charging profiles (the lowest active limit wins),
availability, reset, unlock, configuration and trigger messages. Time is explicit (`charge(seconds)`),
so tests are exact; the command line (`python -m sim`) drives it in real time.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Coroutine, Sequence
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
from typing import Any

import aiohttp
from ocpp.routing import after, on
from ocpp.v16 import ChargePoint, call, call_result
from ocpp.v16.enums import Action

REMOTE_TAG_ACCEPTED = "Accepted"
MIN_CURRENT_A = 6.0


@dataclass
class SimOptions:
    """How the simulated charger behaves; the defaults are a well-behaved 3-phase 16 A wallbox."""

    vendor: str = "ChargeShare"
    model: str = "Simulated Wallbox"
    serial: str = "SIM-0001"
    firmware: str = "1.0.0"
    phases: int = 3
    max_current_a: float = 16.0
    voltage_v: float = 230.0
    power_unit: str | None = "W"  # "W", "kW" or None (no unit, as some chargers send)
    energy_unit: str | None = "Wh"  # "Wh", "kWh" or None
    register: str = "lifetime"  # "lifetime", or "session": the register restarts at 0 with every session
    register_wh: float = 1_234_000.0
    accepts_charge_point_max_profile: bool = True
    smart_charging: bool = True
    reservations: bool = False  # the "Reservation" feature profile: ReserveNow / CancelReservation
    rate_unit: str = "Current"  # ChargingScheduleAllowedChargingRateUnit: "Current" or "Power"
    configuration: dict[str, str] = field(default_factory=dict)


class _ClientConnection:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws

    async def recv(self) -> str:
        message = await self.ws.receive()
        if message.type is aiohttp.WSMsgType.TEXT:
            return str(message.data)
        raise ConnectionError(f"websocket closed ({message.type.name}, code {self.ws.close_code})")

    async def send(self, data: str) -> None:
        await self.ws.send_str(data)


class SimulatedChargePoint(ChargePoint):
    """One simulated wallbox with one connector."""

    def __init__(self, charge_point_id: str, connection: _ClientConnection, options: SimOptions) -> None:
        super().__init__(charge_point_id, connection, response_timeout=10)
        self.options = options
        self.received: list[tuple[str, dict[str, Any]]] = []
        self.status = "Available"
        self.car_connected = False
        self.transaction_id: int | None = None
        self.id_tag: str | None = None
        self.register_wh = 0.0 if options.register == "session" else options.register_wh
        self.profiles: dict[str, float] = {}  # purpose -> limit in A
        self.reservations: dict[int, str] = {}  # reservation id -> id tag
        self.elapsed_s = 0.0
        self.configuration = {
            "SupportedFeatureProfiles": "Core,FirmwareManagement,RemoteTrigger"
            + (",SmartCharging" if options.smart_charging else "")
            + (",Reservation" if options.reservations else ""),
            "ChargingScheduleAllowedChargingRateUnit": options.rate_unit,
            "ChargeProfileMaxStackLevel": "8",
            "MeterValuesSampledData": "Energy.Active.Import.Register",
            "MeterValueSampleInterval": "60",
            **options.configuration,
        }
        self._connection = connection
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._pending_trigger: str | None = None

    # ------------------------------------------------------------------ what the car and the user do

    def _timestamp(self) -> str:
        """The charger's clock: real time plus the time `charge()` has let pass."""
        now = datetime.now(UTC) + timedelta(seconds=self.elapsed_s)
        return now.isoformat(timespec="seconds").replace("+00:00", "Z")

    @property
    def websocket(self) -> aiohttp.ClientWebSocketResponse:
        return self._connection.ws

    @property
    def limit_a(self) -> float:
        """The current the charger offers: its maximum, lowered by the strictest charging profile."""
        return min([self.options.max_current_a, *self.profiles.values()])

    @property
    def current_a(self) -> float:
        if self.status != "Charging":
            return 0.0
        return self.limit_a

    @property
    def power_w(self) -> float:
        return self.current_a * self.options.voltage_v * self.options.phases

    async def boot(self) -> Any:
        return await self.call(
            call.BootNotification(
                charge_point_vendor=self.options.vendor,
                charge_point_model=self.options.model,
                charge_point_serial_number=self.options.serial,
                firmware_version=self.options.firmware,
            )
        )

    async def send_status(self, status: str, connector_id: int = 1, error_code: str = "NoError") -> None:
        if connector_id == 1:
            self.status = status
        await self.call(
            call.StatusNotification(
                connector_id=connector_id, error_code=error_code, status=status, timestamp=self._timestamp()
            )
        )

    async def plug_in(self) -> None:
        self.car_connected = True
        await self.send_status("Preparing")

    async def unplug(self) -> None:
        if self.transaction_id is not None:
            await self.stop_transaction(reason="EVDisconnected")
        self.car_connected = False
        await self.send_status("Available")

    async def authorize(self, id_tag: str) -> str:
        result = await self.call(call.Authorize(id_tag=id_tag))
        return str(result.id_tag_info["status"])

    async def start_transaction(self, id_tag: str) -> str:
        """Start a session as the charger would after a card swipe; returns the idTagInfo status."""
        if self.options.register == "session":
            self.register_wh = 0.0
        result = await self.call(
            call.StartTransaction(
                connector_id=1, id_tag=id_tag, meter_start=round(self.register_wh), timestamp=self._timestamp()
            )
        )
        status = str(result.id_tag_info["status"])
        if status != "Accepted":
            await self.call(
                call.StopTransaction(
                    meter_stop=round(self.register_wh),
                    timestamp=self._timestamp(),
                    transaction_id=result.transaction_id,
                    reason="DeAuthorized",
                )
            )
            return status
        self.transaction_id, self.id_tag = result.transaction_id, id_tag
        await self.send_status("Charging" if self.limit_a >= MIN_CURRENT_A else "SuspendedEVSE")
        return status

    async def stop_transaction(self, reason: str = "Local") -> None:
        transaction_id, self.transaction_id = self.transaction_id, None
        if transaction_id is None:
            return
        await self.call(
            call.StopTransaction(
                meter_stop=round(self.register_wh),
                timestamp=self._timestamp(),
                transaction_id=transaction_id,
                reason=reason,
                id_tag=self.id_tag,
            )
        )
        await self.send_status("Finishing" if self.car_connected else "Available")

    async def charge(self, seconds: float, *, passed: bool = False) -> None:
        """Let `seconds` of charging pass, then report meter values. Tests skip the time (the charger's clock
        moves ahead by it); a charger running in real time says the seconds have `passed` already."""
        self.register_wh += self.power_w * seconds / 3600
        if not passed:
            self.elapsed_s += seconds
        await self.send_meter_values()

    async def send_meter_values(self, context: str = "Sample.Periodic") -> None:
        await self.call(
            call.MeterValues(
                connector_id=1,
                transaction_id=self.transaction_id,
                meter_value=[{"timestamp": self._timestamp(), "sampledValue": self.sampled_values(context)}],
            )
        )

    def sampled_values(self, context: str) -> list[dict[str, Any]]:
        o = self.options
        energy = self.register_wh / 1000 if o.energy_unit == "kWh" else self.register_wh
        power = self.power_w / 1000 if o.power_unit == "kW" else self.power_w
        values = [
            _sample("Energy.Active.Import.Register", energy, o.energy_unit, context, decimals=3),
            _sample("Power.Active.Import", power, o.power_unit, context, decimals=3 if o.power_unit == "kW" else 1),
        ]
        phases = ["L1", "L2", "L3"][: o.phases] if o.phases > 1 else [None]
        for phase in phases:
            values.append(_sample("Current.Import", self.current_a, "A", context, phase=phase))
            values.append(_sample("Voltage", o.voltage_v, "V", context, phase=f"{phase}-N" if phase else None))
        return values

    async def send_raw(self, frame: str) -> None:
        """Send a frame as is: for tests of what the central system does with bad input."""
        await self._connection.ws.send_str(frame)

    async def close(self) -> None:
        await self._connection.ws.close()
        work = [*self._tasks, *([self._runner] if self._runner else [])]
        for task in work:
            task.cancel()
        if work:
            await asyncio.wait(work)

    # ------------------------------------------------------------------ what the central system asks

    def _record(self, action: str, payload: dict[str, Any]) -> None:
        self.received.append((action, payload))

    @on(Action.remote_start_transaction)
    def on_remote_start(self, id_tag: str, **payload: Any) -> Any:
        self._record("RemoteStartTransaction", {"id_tag": id_tag, **payload})
        busy = self.transaction_id is not None  # one connector: it cannot start a second transaction
        return call_result.RemoteStartTransaction(status="Rejected" if busy else "Accepted")

    @after(Action.remote_start_transaction)
    def after_remote_start(self, id_tag: str, **_: Any) -> None:
        if self.car_connected and self.transaction_id is None:
            self._spawn(self.start_transaction(id_tag))

    @on(Action.remote_stop_transaction)
    def on_remote_stop(self, transaction_id: int) -> Any:
        self._record("RemoteStopTransaction", {"transaction_id": transaction_id})
        known = transaction_id == self.transaction_id
        return call_result.RemoteStopTransaction(status="Accepted" if known else "Rejected")

    @after(Action.remote_stop_transaction)
    def after_remote_stop(self, transaction_id: int) -> None:
        if transaction_id == self.transaction_id:
            self._spawn(self.stop_transaction(reason="Remote"))

    @on(Action.set_charging_profile)
    def on_set_charging_profile(self, connector_id: int, cs_charging_profiles: dict[str, Any]) -> Any:
        self._record("SetChargingProfile", {"connector_id": connector_id, "cs_charging_profiles": cs_charging_profiles})
        purpose = cs_charging_profiles["charging_profile_purpose"]
        if not self.options.smart_charging or (
            purpose == "ChargePointMaxProfile" and not self.options.accepts_charge_point_max_profile
        ):
            return call_result.SetChargingProfile(status="Rejected")
        schedule = cs_charging_profiles["charging_schedule"]
        limit = float(schedule["charging_schedule_period"][0]["limit"])
        if schedule["charging_rate_unit"] == "W":
            limit /= self.options.voltage_v * self.options.phases
        self.profiles[purpose] = limit
        return call_result.SetChargingProfile(status="Accepted")

    @after(Action.set_charging_profile)
    def after_set_charging_profile(self, **_: Any) -> None:
        if self.transaction_id is None:
            return
        wanted = "Charging" if self.limit_a >= MIN_CURRENT_A else "SuspendedEVSE"
        if wanted != self.status:
            self._spawn(self.send_status(wanted))

    @on(Action.clear_charging_profile)
    def on_clear_charging_profile(self, **payload: Any) -> Any:
        self._record("ClearChargingProfile", payload)
        self.profiles.clear()
        return call_result.ClearChargingProfile(status="Accepted")

    @on(Action.reserve_now)
    def on_reserve_now(self, connector_id: int, expiry_date: str, id_tag: str, reservation_id: int, **_: Any) -> Any:
        asked = {"connector_id": connector_id, "expiry_date": expiry_date, "id_tag": id_tag}
        self._record("ReserveNow", {**asked, "reservation_id": reservation_id})
        if not self.options.reservations:
            return call_result.ReserveNow(status="Rejected")
        if self.status != "Available":
            return call_result.ReserveNow(status="Occupied")
        self.reservations[reservation_id] = id_tag
        return call_result.ReserveNow(status="Accepted")

    @on(Action.cancel_reservation)
    def on_cancel_reservation(self, reservation_id: int) -> Any:
        self._record("CancelReservation", {"reservation_id": reservation_id})
        known = self.reservations.pop(reservation_id, None) is not None
        return call_result.CancelReservation(status="Accepted" if known else "Rejected")

    @on(Action.get_configuration)
    def on_get_configuration(self, key: list[str] | None = None) -> Any:
        self._record("GetConfiguration", {"key": key})
        wanted = key or list(self.configuration)
        known = [
            {"key": k, "readonly": False, "value": self.configuration[k]} for k in wanted if k in self.configuration
        ]
        unknown = [k for k in wanted if k not in self.configuration]
        return call_result.GetConfiguration(configuration_key=known, unknown_key=unknown or None)

    @on(Action.change_configuration)
    def on_change_configuration(self, key: str, value: str) -> Any:
        self._record("ChangeConfiguration", {"key": key, "value": value})
        if key not in self.configuration:
            return call_result.ChangeConfiguration(status="NotSupported")
        self.configuration[key] = value
        return call_result.ChangeConfiguration(status="Accepted")

    @on(Action.change_availability)
    def on_change_availability(self, connector_id: int, type: str) -> Any:  # noqa: A002 - OCPP's field name
        self._record("ChangeAvailability", {"connector_id": connector_id, "type": type})
        return call_result.ChangeAvailability(status="Accepted")

    @after(Action.change_availability)
    def after_change_availability(self, connector_id: int, type: str) -> None:  # noqa: A002
        if type == "Inoperative":
            self._spawn(self.send_status("Unavailable"))
        else:
            self._spawn(self.send_status("Preparing" if self.car_connected else "Available"))

    @on(Action.reset)
    def on_reset(self, type: str) -> Any:  # noqa: A002
        self._record("Reset", {"type": type})
        return call_result.Reset(status="Accepted")

    @on(Action.unlock_connector)
    def on_unlock_connector(self, connector_id: int) -> Any:
        self._record("UnlockConnector", {"connector_id": connector_id})
        return call_result.UnlockConnector(status="Unlocked")

    @on(Action.trigger_message)
    def on_trigger_message(self, requested_message: str, connector_id: int | None = None) -> Any:
        self._record("TriggerMessage", {"requested_message": requested_message, "connector_id": connector_id})
        return call_result.TriggerMessage(status="Accepted")

    @after(Action.trigger_message)
    def after_trigger_message(self, requested_message: str, **_: Any) -> None:
        if requested_message == "StatusNotification":
            self._spawn(self.send_status(self.status))
        elif requested_message == "MeterValues":
            self._spawn(self.send_meter_values(context="Trigger"))
        elif requested_message == "Heartbeat":
            self._spawn(self.call(call.Heartbeat()))
        elif requested_message == "BootNotification":
            self._spawn(self.boot())

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        """Send what a request asked for after answering it; `close()` cancels what is still on its way."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled() or isinstance(task.exception(), ConnectionError | TimeoutError):
            return  # closed, or the connection went away under the reply: nothing left to tell
        task.result()  # anything else is a bug in the simulator: let it surface


def _sample(
    measurand: str, value: float, unit: str | None, context: str, *, phase: str | None = None, decimals: int = 1
) -> dict[str, Any]:
    sample: dict[str, Any] = {
        "value": f"{value:.{decimals}f}",
        "context": context,
        "measurand": measurand,
        "location": "Outlet",
    }
    if unit:
        sample["unit"] = unit
    if phase:
        sample["phase"] = phase
    return sample


async def connect(
    session: aiohttp.ClientSession,
    url: str,
    charge_point_id: str,
    *,
    password: str | None = None,
    subprotocols: Sequence[str] = ("ocpp1.6",),
    options: SimOptions | None = None,
) -> SimulatedChargePoint:
    """Open the websocket to `url`/`charge_point_id` and start answering the central system.

    Raises aiohttp.WSServerHandshakeError when the central system refuses (its `status` says why).
    """
    headers = {}
    if password is not None:
        token = base64.b64encode(f"{charge_point_id}:{password}".encode()).decode()
        headers["Authorization"] = f"Basic {token}"
    ws = await session.ws_connect(
        f"{url.rstrip('/')}/{charge_point_id}",
        protocols=tuple(subprotocols),
        headers=headers,
        heartbeat=None,
        max_msg_size=0,
    )
    charge_point = SimulatedChargePoint(charge_point_id, _ClientConnection(ws), options or SimOptions())
    charge_point._runner = asyncio.get_running_loop().create_task(_run(charge_point))
    return charge_point


async def _run(charge_point: SimulatedChargePoint) -> None:
    with contextlib.suppress(ConnectionError):
        await charge_point.start()


def frame(message_type: int, unique_id: str, action: str, payload: Any) -> str:
    """An OCPP-J frame, for tests that send raw messages."""
    return json.dumps([message_type, unique_id, action, payload])

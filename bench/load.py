"""The load: N simulated OCPP 1.6J chargers in one process, on raw aiohttp websockets.

Each charger starts as a real one does when a car is charging: BootNotification, StatusNotification
(Preparing), StartTransaction, StatusNotification (Charging); it answers what the central system asks
after the boot. Then, on the coordinator's word, every charger sends MeterValues back to back (the next one
as soon as the CALLRESULT of the previous arrives), or once per interval. MeterValues frames come from a
template built once, and no schema validation or ocpp-library machinery runs here: the load process stays
light so that the server is what is measured.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
import itertools
import json
from multiprocessing.connection import Connection
import time
from typing import Any

import aiohttp

from bench.channel import AsyncChannel

CLOSE = "close"
# Handshakes and boots in flight at once: a fleet reconnecting, not a SYN flood past the listen backlog.
CONNECT_CONCURRENCY = 50
BOOT_TIMEOUT_S = 120.0
# Booted chargers are idle once the central system has asked them nothing for this long.
QUIET_S = 1.0
QUIET_TIMEOUT_S = 60.0
ID_TAG = "BENCH-CARD"
# 3-phase 16 A at 230 V, as sim/ocpp_charge_point.py reports it.
PHASES = ("L1", "L2", "L3")
CURRENT_A = 16.0
VOLTAGE_V = 230.0
POWER_W = CURRENT_A * VOLTAGE_V * len(PHASES)
REGISTER_START_WH = 1_234_000.0
REGISTER_STEP_WH = 3.0  # 11 kW for about a second per message
# What a smart-charging wallbox answers to GetConfiguration; it already reports the measurands ChargeShare
# wants, so the post-boot setup is GetConfiguration and a TriggerMessage (no ChangeConfiguration).
CONFIGURATION = {
    "SupportedFeatureProfiles": "Core,RemoteTrigger,SmartCharging",
    "ChargingScheduleAllowedChargingRateUnit": "Current",
    "ChargeProfileMaxStackLevel": "8",
    "MeterValuesSampledData": "Energy.Active.Import.Register,Power.Active.Import,Current.Import,Voltage",
    "MeterValueSampleInterval": "60",
}
_CALL, _CALLRESULT = 2, 3


@dataclass(frozen=True, slots=True)
class Booted:
    booted: int  # connected and through BootNotification .. StatusNotification (Charging)
    failures: tuple[str, ...]  # the first few reasons chargers did not get through their boot


@dataclass(frozen=True, slots=True)
class BackToBack:
    """Every charger sends MeterValues as fast as the central system answers."""

    warmup_s: float  # back to back but not counted: every charger's first message arrives at once
    seconds: float


@dataclass(frozen=True, slots=True)
class BackToBackResult:
    messages: int  # MeterValues answered with a CALLRESULT inside the counted window
    seconds: float
    all_messages: int  # the same, warm-up included
    cpu_s: float  # this process's CPU time while it sent them
    errors: int  # CALLERRORs and lost connections
    connected: int  # chargers still connected when the window closed


@dataclass(frozen=True, slots=True)
class Paced:
    """Every charger sends MeterValues once per interval, the chargers spread evenly over it."""

    interval_s: float
    seconds: float


@dataclass(frozen=True, slots=True)
class PacedResult:
    messages: int
    errors: int
    worst_round_trip_ms: float  # the slowest CALLRESULT, as a charger sees it


@dataclass(slots=True)
class Sent:
    """What one charger's MeterValues came to."""

    answered: int = 0
    counted: int = 0  # answered inside the counted window
    errors: int = 0
    worst_round_trip_s: float = 0.0


class CallFailed(Exception):
    """The central system answered a CALL with a CALLERROR."""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _answer(action: str, payload: dict[str, Any]) -> dict[str, Any]:
    """A plausible CALLRESULT payload for what the central system asks after a boot."""
    if action == "GetConfiguration":
        wanted = payload.get("key") or list(CONFIGURATION)
        return {
            "configurationKey": [
                {"key": key, "readonly": False, "value": CONFIGURATION[key]} for key in wanted if key in CONFIGURATION
            ],
            "unknownKey": [key for key in wanted if key not in CONFIGURATION],
        }
    # ChangeConfiguration, TriggerMessage, SetChargingProfile, ... A triggered StatusNotification is not sent:
    # it would only repeat the one sent at boot.
    return {"status": "Accepted"}


class MeterValuesFrames:
    """MeterValues payloads of one charger's transaction: energy register, power, current and voltage per phase."""

    def __init__(self, transaction_id: int) -> None:
        def sample(measurand: str, value: str, unit: str, phase: str | None = None) -> dict[str, str]:
            sampled = {
                "value": value,
                "context": "Sample.Periodic",
                "measurand": measurand,
                "location": "Outlet",
                "unit": unit,
            }
            return {**sampled, "phase": phase} if phase else sampled

        sampled_values = [
            sample("Energy.Active.Import.Register", "%(register_wh).3f", "Wh"),
            sample("Power.Active.Import", f"{POWER_W:.1f}", "W"),
        ]
        for phase in PHASES:
            sampled_values.append(sample("Current.Import", f"{CURRENT_A:.1f}", "A", phase))
            sampled_values.append(sample("Voltage", f"{VOLTAGE_V:.1f}", "V", f"{phase}-N"))
        payload = {
            "connectorId": 1,
            "transactionId": transaction_id,
            "meterValue": [{"timestamp": "%(timestamp)s", "sampledValue": sampled_values}],
        }
        self._template = json.dumps(payload, separators=(",", ":"))
        self._register_wh = REGISTER_START_WH

    def next_payload(self) -> str:
        self._register_wh += REGISTER_STEP_WH
        return self._template % {"register_wh": self._register_wh, "timestamp": _now()}


class LoadCharger:
    """One simulated charger: sends one CALL at a time and answers the central system's CALLs meanwhile."""

    def __init__(
        self, charge_point_id: str, ws: aiohttp.ClientWebSocketResponse, on_server_call: Callable[[], None]
    ) -> None:
        self.charge_point_id = charge_point_id
        self._ws = ws
        self._on_server_call = on_server_call
        self._unique_ids = itertools.count(1)
        self._waiting: tuple[str, asyncio.Future[Any]] | None = None
        self._reader = asyncio.get_running_loop().create_task(self._read())
        self._frames: MeterValuesFrames | None = None

    @property
    def connected(self) -> bool:
        return not self._reader.done()

    async def call(self, action: str, payload: str) -> Any:
        """Send a CALL whose payload is JSON text; return the CALLRESULT's payload."""
        if not self.connected:
            raise ConnectionError(f"{self.charge_point_id} is disconnected")
        unique_id = str(next(self._unique_ids))
        answer = asyncio.get_running_loop().create_future()
        self._waiting = (unique_id, answer)
        await self._ws.send_str(f'[{_CALL},"{unique_id}","{action}",{payload}]')
        return await answer

    async def start_charging(self) -> None:
        def payload(**fields: Any) -> str:
            return json.dumps(fields)

        boot = await self.call(
            "BootNotification",
            payload(
                chargePointVendor="ChargeShare",
                chargePointModel="Benchmark Wallbox",
                chargePointSerialNumber=self.charge_point_id,
                firmwareVersion="1.0.0",
            ),
        )
        if boot.get("status") != "Accepted":
            raise CallFailed(f"{self.charge_point_id}: BootNotification {boot.get('status')}")
        status = {"connectorId": 1, "errorCode": "NoError"}
        await self.call("StatusNotification", payload(**status, status="Preparing", timestamp=_now()))
        started = await self.call(
            "StartTransaction",
            payload(connectorId=1, idTag=ID_TAG, meterStart=round(REGISTER_START_WH), timestamp=_now()),
        )
        self._frames = MeterValuesFrames(int(started["transactionId"]))
        await self.call("StatusNotification", payload(**status, status="Charging", timestamp=_now()))

    async def send_meter_values(self, count_from: float, stop_at: float) -> Sent:
        """Send MeterValues back to back until `stop_at`, counting the answers from `count_from` on."""
        assert self._frames is not None, "start_charging() first"
        loop = asyncio.get_running_loop()
        sent = Sent()
        while loop.time() < stop_at:
            try:
                await self.call("MeterValues", self._frames.next_payload())
            except CallFailed:
                sent.errors += 1
                continue
            except ConnectionError:
                sent.errors += 1
                break
            now = loop.time()
            if now < stop_at:
                sent.answered += 1
                sent.counted += count_from <= now
        return sent

    async def send_paced_meter_values(self, first_at: float, interval_s: float, stop_at: float) -> Sent:
        """Send MeterValues at `first_at` and every `interval_s` after it until `stop_at`."""
        assert self._frames is not None, "start_charging() first"
        loop = asyncio.get_running_loop()
        sent = Sent()
        due = first_at
        while due < stop_at:
            await asyncio.sleep(due - loop.time())
            started = loop.time()
            try:
                await self.call("MeterValues", self._frames.next_payload())
            except CallFailed:
                sent.errors += 1
            except ConnectionError:
                sent.errors += 1
                break
            else:
                sent.answered += 1
                sent.worst_round_trip_s = max(sent.worst_round_trip_s, loop.time() - started)
            due += interval_s
        return sent

    async def close(self) -> None:
        await self._ws.close()
        await self._reader

    async def _read(self) -> None:
        try:
            async for message in self._ws:
                if message.type is aiohttp.WSMsgType.TEXT:
                    await self._on_frame(json.loads(message.data))
        finally:
            waiting, self._waiting = self._waiting, None
            if waiting is not None and not waiting[1].done():
                waiting[1].set_exception(ConnectionError(f"{self.charge_point_id} was disconnected"))

    async def _on_frame(self, frame: list[Any]) -> None:
        if frame[0] == _CALL:
            self._on_server_call()
            await self._ws.send_str(json.dumps([_CALLRESULT, frame[1], _answer(frame[2], frame[3])]))
            return
        if self._waiting is None or frame[1] != self._waiting[0]:
            return
        answer, self._waiting = self._waiting[1], None
        if answer.done():  # the caller gave up waiting (its boot timed out)
            return
        if frame[0] == _CALLRESULT:
            answer.set_result(frame[2])
        else:
            answer.set_exception(CallFailed(f"{self.charge_point_id}: {frame[2]} {frame[3]}"))


class Fleet:
    """The load chargers of one measurement."""

    def __init__(self) -> None:
        self.chargers: list[LoadCharger] = []
        self._server_called = asyncio.Event()

    async def connect(self, session: aiohttp.ClientSession, url: str, charge_point_ids: Sequence[str]) -> Booted:
        """Connect and boot every charger, then wait until the central system has finished setting them up."""
        slots = asyncio.Semaphore(CONNECT_CONCURRENCY)

        async def connect_one(charge_point_id: str) -> LoadCharger:
            async with slots, asyncio.timeout(BOOT_TIMEOUT_S):
                ws = await session.ws_connect(
                    f"{url}/{charge_point_id}", protocols=("ocpp1.6",), heartbeat=None, autoping=True
                )
                charger = LoadCharger(charge_point_id, ws, self._note_server_call)
                try:
                    await charger.start_charging()
                except BaseException:
                    await charger.close()
                    raise
                return charger

        results = await asyncio.gather(*(connect_one(i) for i in charge_point_ids), return_exceptions=True)
        self.chargers = [result for result in results if isinstance(result, LoadCharger)]
        failures = [f"{type(result).__name__}: {result}" for result in results if isinstance(result, BaseException)]
        await self._until_quiet()
        return Booted(booted=len(self.chargers), failures=tuple(failures[:5]))

    async def run(self, load: BackToBack | Paced) -> BackToBackResult | PacedResult:
        if isinstance(load, BackToBack):
            return await self._back_to_back(load)
        return await self._paced(load)

    async def _back_to_back(self, load: BackToBack) -> BackToBackResult:
        loop = asyncio.get_running_loop()
        count_from = loop.time() + load.warmup_s
        stop_at = count_from + load.seconds
        cpu_start = time.process_time()
        sent = await asyncio.gather(*(c.send_meter_values(count_from, stop_at) for c in self.chargers))
        return BackToBackResult(
            messages=sum(s.counted for s in sent),
            seconds=load.seconds,
            all_messages=sum(s.answered for s in sent),
            cpu_s=time.process_time() - cpu_start,
            errors=sum(s.errors for s in sent),
            connected=sum(charger.connected for charger in self.chargers),
        )

    async def _paced(self, load: Paced) -> PacedResult:
        start = asyncio.get_running_loop().time()
        spacing = load.interval_s / max(len(self.chargers), 1)
        sent = await asyncio.gather(
            *(
                charger.send_paced_meter_values(start + n * spacing, load.interval_s, start + load.seconds)
                for n, charger in enumerate(self.chargers)
            )
        )
        return PacedResult(
            messages=sum(s.answered for s in sent),
            errors=sum(s.errors for s in sent),
            worst_round_trip_ms=max((s.worst_round_trip_s for s in sent), default=0.0) * 1000,
        )

    async def close(self) -> None:
        await asyncio.gather(*(charger.close() for charger in self.chargers), return_exceptions=True)

    def _note_server_call(self) -> None:
        self._server_called.set()

    async def _until_quiet(self) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(QUIET_TIMEOUT_S):
                while True:
                    self._server_called.clear()
                    try:
                        await asyncio.wait_for(self._server_called.wait(), QUIET_S)
                    except TimeoutError:
                        return


def main(url: str, charge_point_ids: Sequence[str], connection: Connection) -> None:
    """Process entry point: boot the fleet, then run each load the coordinator sends until CLOSE."""
    asyncio.run(_run(url, charge_point_ids, connection))


async def _run(url: str, charge_point_ids: Sequence[str], connection: Connection) -> None:
    channel = AsyncChannel(connection)
    fleet = Fleet()
    # limit=0: the default pool of 100 connections would hold back every websocket past the hundredth.
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        try:
            channel.send(await fleet.connect(session, url, charge_point_ids))
            while (load := await channel.receive()) != CLOSE:
                channel.send(await fleet.run(load))
        finally:
            await fleet.close()
    channel.close()

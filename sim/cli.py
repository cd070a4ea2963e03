"""The simulator's command line: one charge point that charges car after car, in real time, forever.

    python -m sim --url ws://127.0.0.1:9000 --id CP1

A car arrives, is authorized with a tag, charges for `--session-minutes`, leaves; a pause; the next car.
Meanwhile the charge point obeys the central system (remote start/stop, charging profiles, ...). When the
connection drops, it reconnects and carries on where it was, as a wallbox keeps its meter, car and
transaction through a network outage.
"""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import dataclass
import json
import logging
from pathlib import Path
import signal

import aiohttp
from ocpp.v16 import call

from sim.arguments import positive
from sim.ocpp_charge_point import SimOptions, SimulatedChargePoint, connect

_LOGGER = logging.getLogger("sim")

RETRY_FIRST_S = 1.0
RETRY_MAX_S = 30.0
PLUG_IN_AFTER_S = 5.0
PAUSE_BETWEEN_CARS_S = 30.0
STOP_TIMEOUT_S = 3.0


@dataclass
class _Car:
    """The car at the charger; it stays plugged in while the connection is down."""

    leaves_at: float = 0.0
    start_wh: float = 0.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sim", description="A simulated OCPP 1.6J charge point.")
    parser.add_argument("--url", default="ws://127.0.0.1:9000", help="the central system (default: %(default)s)")
    parser.add_argument("--id", default="CP1", help="charge point id: the last segment of its URL")
    parser.add_argument("--password", help="HTTP Basic password (OCPP security profile 1)")
    parser.add_argument("--phases", type=int, choices=(1, 3), default=3)
    parser.add_argument("--max-current", type=positive, default=16.0, help="amperes (default: %(default)s)")
    parser.add_argument("--interval", type=positive, default=5.0, help="seconds between meter values")
    parser.add_argument("--power-unit", choices=("W", "kW"), default="W")
    parser.add_argument("--energy-unit", choices=("Wh", "kWh"), default="Wh")
    parser.add_argument("--tag", default="DEMO-CARD", help="id tag the cars present (default: %(default)s)")
    parser.add_argument("--session-minutes", type=positive, default=10.0, help="how long a car stays")
    parser.add_argument("--state", type=Path, help="file that keeps the energy register from one run to the next")
    parser.add_argument("--verbose", action="store_true", help="log every meter value and OCPP message")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format=f"%(asctime)s {args.id}: %(message)s",
        datefmt="%H:%M:%S",
    )
    if not args.verbose:
        logging.getLogger("ocpp").setLevel(logging.WARNING)  # it logs every message at INFO
    asyncio.run(_until_stopped(args))
    return 0


async def _until_stopped(args: argparse.Namespace) -> None:
    task = asyncio.current_task()
    assert task is not None
    loop = asyncio.get_running_loop()

    def stop() -> None:
        # Ctrl-C in ./scripts/demo delivers SIGINT and SIGTERM together: cancel once, so that the
        # transaction can still be stopped cleanly.
        if not task.cancelling():
            task.cancel()

    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop)
    try:
        await run(args)
    except asyncio.CancelledError:
        _LOGGER.info("Stopped")


async def run(args: argparse.Namespace) -> None:
    """Connect, charge, and reconnect after every lost connection, until cancelled."""
    options = SimOptions(
        phases=args.phases, max_current_a=args.max_current, power_unit=args.power_unit, energy_unit=args.energy_unit
    )
    if args.state is not None and args.state.exists():
        options.register_wh = float(json.loads(args.state.read_text())["register_wh"])
    loop = asyncio.get_running_loop()
    car = _Car()
    previous: SimulatedChargePoint | None = None
    retry_s = RETRY_FIRST_S
    async with aiohttp.ClientSession() as session:
        while True:
            try:
                charge_point = await connect(session, args.url, args.id, password=args.password, options=options)
            except (aiohttp.ClientError, OSError) as err:
                _LOGGER.warning("Cannot connect to %s: %s; retrying in %.0f s", args.url, _describe(err), retry_s)
                await asyncio.sleep(retry_s)
                retry_s = min(2 * retry_s, RETRY_MAX_S)
                continue
            if previous is not None:
                _carry_over(previous, charge_point)
            previous = charge_point
            _LOGGER.info("Connected to %s", args.url)
            connected_at = loop.time()
            try:
                await _serve(charge_point, args, car)
                _LOGGER.warning("The central system closed the connection")
            except asyncio.CancelledError:
                await _stop_transaction(charge_point)
                raise
            except Exception as err:  # a failed step ends the connection, as a charger would reboot its modem
                _LOGGER.warning("Giving up this connection: %s", _describe(err))
            finally:
                await charge_point.close()
            # A connection that lasted was fine: retry fast. One that failed at once: back off further.
            if loop.time() - connected_at > RETRY_MAX_S:
                retry_s = RETRY_FIRST_S
            _LOGGER.info("Reconnecting in %.0f s", retry_s)
            await asyncio.sleep(retry_s)
            retry_s = min(2 * retry_s, RETRY_MAX_S)


async def _serve(charge_point: SimulatedChargePoint, args: argparse.Namespace, car: _Car) -> None:
    """Boot, then play the sessions until the connection ends; a step that fails raises."""
    heartbeat_s = await _boot(charge_point)
    await charge_point.send_status(charge_point.status)  # Available, or what it was when the connection dropped
    receiving = charge_point._runner
    assert receiving is not None
    jobs = [
        asyncio.create_task(_sessions(charge_point, args, car)),
        asyncio.create_task(_heartbeats(charge_point, heartbeat_s)),
        asyncio.create_task(_report(charge_point)),
    ]
    try:
        done, _ = await asyncio.wait([receiving, *jobs], return_when=asyncio.FIRST_COMPLETED)
    finally:
        for job in jobs:
            job.cancel()
    for task in done:
        if (error := task.exception()) is not None:
            raise error


async def _boot(charge_point: SimulatedChargePoint) -> float:
    """BootNotification until accepted; returns the heartbeat interval the central system asks for."""
    while True:
        result = await charge_point.boot()
        if result.status == "Accepted":
            _LOGGER.info("Boot accepted; heartbeat every %s s", result.interval)
            return float(result.interval) or 60.0
        _LOGGER.warning("Boot %s; trying again in %s s", result.status, result.interval)
        await asyncio.sleep(result.interval or 10)


async def _sessions(charge_point: SimulatedChargePoint, args: argparse.Namespace, car: _Car) -> None:
    """Car after car: plug in, authorize and start, charge until the car leaves, stop, unplug, pause."""
    loop = asyncio.get_running_loop()
    while True:
        if not charge_point.car_connected:
            await asyncio.sleep(PLUG_IN_AFTER_S)
            car.leaves_at, car.start_wh = loop.time() + args.session_minutes * 60, charge_point.register_wh
            await charge_point.plug_in()
            await _start(charge_point, args.tag)
        # Between meter values the central system may stop the transaction, or start one remotely.
        while loop.time() < car.leaves_at:
            await asyncio.sleep(args.interval)
            if charge_point.transaction_id is not None:
                await charge_point.charge(args.interval, passed=True)
                if args.state is not None:
                    _save_register(args.state, charge_point.register_wh)
                _LOGGER.debug("%.0f W, register %.3f kWh", charge_point.power_w, charge_point.register_wh / 1000)
        await charge_point.stop_transaction(reason="Local")
        await charge_point.unplug()
        _LOGGER.info("Car left after %.3f kWh", (charge_point.register_wh - car.start_wh) / 1000)
        await asyncio.sleep(PAUSE_BETWEEN_CARS_S)


async def _start(charge_point: SimulatedChargePoint, tag: str) -> None:
    status = await charge_point.authorize(tag)
    if status == "Accepted":
        status = await charge_point.start_transaction(tag)
    if status == "Accepted":
        _LOGGER.info("Car plugged in; transaction %s started with tag %s", charge_point.transaction_id, tag)
    else:
        _LOGGER.warning("Car plugged in; tag %s: %s, so it waits for a remote start", tag, status)


async def _heartbeats(charge_point: SimulatedChargePoint, interval_s: float) -> None:
    while True:
        await asyncio.sleep(interval_s)
        await charge_point.call(call.Heartbeat())


async def _report(charge_point: SimulatedChargePoint) -> None:
    """Log each request of the central system, and each change of status or current limit."""
    seen = 0
    shown: tuple[str, float] | None = None
    while True:
        for action, _ in charge_point.received[seen:]:
            _LOGGER.info("Central system: %s", action)
        seen = len(charge_point.received)
        if (charge_point.status, charge_point.limit_a) != shown:
            shown = charge_point.status, charge_point.limit_a
            _LOGGER.info("Status %s, limit %.1f A", *shown)
        await asyncio.sleep(1)


async def _stop_transaction(charge_point: SimulatedChargePoint) -> None:
    """On Ctrl-C: end the session, so the central system does not keep it open; best effort."""
    if charge_point.transaction_id is None or charge_point.websocket.closed:
        return
    try:
        async with asyncio.timeout(STOP_TIMEOUT_S):
            await charge_point.stop_transaction(reason="Local")
        _LOGGER.info("Transaction stopped")
    except (TimeoutError, ConnectionError) as err:
        _LOGGER.warning("Could not stop the transaction: %s", _describe(err))


def _save_register(path: Path, register_wh: float) -> None:
    """Like a charger's memory: a register that restarted at its initial value would look like a new meter."""
    path.write_text(json.dumps({"register_wh": register_wh}))


def _carry_over(old: SimulatedChargePoint, new: SimulatedChargePoint) -> None:
    """What a wallbox keeps through a lost connection: meter, car, transaction and charging limits."""
    new.register_wh = old.register_wh
    new.car_connected = old.car_connected
    new.transaction_id, new.id_tag = old.transaction_id, old.id_tag
    new.profiles = dict(old.profiles)
    new.status = old.status


def _describe(err: BaseException) -> str:
    if isinstance(err, aiohttp.WSServerHandshakeError):
        return f"refused with HTTP {err.status}"
    if isinstance(err, aiohttp.ClientConnectorError):
        return err.os_error.strerror or str(err.os_error)
    return str(err) or type(err).__name__

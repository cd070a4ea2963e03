"""The Modbus simulator's command line: one charger from a profile, in real time, with cars coming and going.

    python -m sim.modbus --profile alfen_eve --port 5020

The sim clock follows the wall clock. A car plugs in a few seconds after start, charges as the Modbus
master allows for `--session-minutes`, leaves, and the next one comes after `--pause-minutes`. The
simulator logs one line per notable event (status, setpoint, enable, phases, watchdog fallback).
Ctrl-C or SIGTERM stops it cleanly.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
from pathlib import Path
import signal

from custom_components.chargeshare.modbus.profile import Profile
from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR, ProfileError, load_profile
from sim.arguments import positive
from sim.modbus.behaviour import ENERGY_START_KWH
from sim.modbus.charger import SimulatedModbusCharger

TICK_S = 1.0
PLUG_IN_AFTER_S = 5.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m sim.modbus", description="A simulated Modbus TCP charger.")
    known = ", ".join(sorted(path.stem for path in PROFILES_DIR.glob("*.yaml")))
    parser.add_argument("--profile", required=True, help=f"a profile name ({known}) or a profile file")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: %(default)s)")
    parser.add_argument("--port", type=int, default=5020, help="TCP port (default: %(default)s)")
    parser.add_argument("--unit", type=int, help="unit id instead of the profile's (e.g. 2 for a second socket)")
    parser.add_argument("--session-minutes", type=positive, default=5.0, help="how long a car stays")
    parser.add_argument("--pause-minutes", type=positive, default=1.0, help="how long until the next car comes")
    parser.add_argument("--state", type=Path, help="file that keeps the energy total from one run to the next")
    parser.add_argument("--verbose", action="store_true", help="log pymodbus too")
    return parser.parse_args(argv)


def _load(name: str) -> Profile:
    """A profile by name (the file name in the profiles folder without .yaml), or from a file."""
    path = Path(name)
    return load_profile(path if path.suffix in (".yaml", ".yml") else PROFILES_DIR / f"{name}.yaml")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    if not args.verbose:
        logging.getLogger("pymodbus").setLevel(logging.WARNING)  # it logs every connection at INFO
    try:
        profile = _load(args.profile)
        start_kwh = load_total_kwh(args.state) if args.state is not None else None
    except (ProfileError, StateFileError) as err:
        logging.getLogger(__name__).error("%s", err)
        return 2
    charger = SimulatedModbusCharger(
        profile,
        host=args.host,
        port=args.port,
        unit_id=args.unit,
        energy_start_kwh=ENERGY_START_KWH if start_kwh is None else start_kwh,
    )
    asyncio.run(_until_stopped(charger, args.session_minutes * 60, args.pause_minutes * 60, args.state))
    return 0


class StateFileError(ValueError):
    """The state file exists but holds no energy total."""


def load_total_kwh(path: Path) -> float | None:
    """The energy total an earlier run saved; None when there was none."""
    if not path.exists():
        return None
    try:
        total = json.loads(path.read_text())["total_kwh"]
        if isinstance(total, bool) or not isinstance(total, int | float) or total < 0:
            raise TypeError(f"total_kwh is {total!r}")
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise StateFileError(f"{path}: no energy total in it ({err}); delete it to start from scratch") from err
    return float(total)


def save_total_kwh(path: Path, total_kwh: float) -> None:
    """Like a charger's memory: a register that restarted at its initial value would look like a new meter."""
    path.write_text(json.dumps({"total_kwh": total_kwh}))


async def _until_stopped(charger: SimulatedModbusCharger, session_s: float, pause_s: float, state: Path | None) -> None:
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stopped.set)
    await charger.start()
    try:
        await _drive(charger, stopped, session_s, pause_s, state)
    finally:
        await charger.stop()
        if state is not None:
            save_total_kwh(state, charger.total_kwh)


async def _drive(
    charger: SimulatedModbusCharger, stopped: asyncio.Event, session_s: float, pause_s: float, state: Path | None
) -> None:
    """Advance the sim clock with the wall clock; plug cars in and out on schedule."""
    loop = asyncio.get_running_loop()
    last = loop.time()
    next_car_change = last + PLUG_IN_AFTER_S
    while not stopped.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopped.wait(), TICK_S)
        now = loop.time()
        charger.advance(now - last)
        last = now
        if now >= next_car_change:
            if charger.car_connected:
                charger.unplug()
                next_car_change = now + pause_s
                if state is not None:
                    save_total_kwh(state, charger.total_kwh)
            else:
                charger.plug_in()
                next_car_change = now + session_s

"""Read every register a charger profile names and print the raw words and what they decode to.

    .venv/bin/python scripts/read_profile.py HOST PROFILE [--port N] [--unit N] [--timeout S]

PROFILE is a shipped profile's key (vestel_evc04) or a profile file. Nothing is written to the charger.
A register that cannot be read says why on its own line. Exit status: 0 when the charger was read,
1 when it cannot be reached, 2 when the profile cannot be loaded.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
import logging
from pathlib import Path
import re
import sys

if __package__ in (None, ""):  # run as a file: scripts/ is no package, so make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.chargeshare.charger import ChargerOffline, ChargerRejected, ChargerTimeout
from custom_components.chargeshare.modbus import link as modbus, profile as spec, status
from custom_components.chargeshare.modbus.profile_loader import PROFILES_DIR, ProfileError, load_profile
from custom_components.chargeshare.modbus.registers import Register, Value, decode

_Meaning = Callable[[Value], str] | None  # what a value means, shown after it
_METER = (
    ("power", spec.POWER_UNITS, "W"),
    ("currents", spec.CURRENT_UNITS, "A"),
    ("voltages", spec.VOLTAGE_UNITS, "V"),
    ("energy", spec.ENERGY_UNITS, "kWh"),
)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="read_profile.py", description=__doc__.splitlines()[0])
    parser.add_argument("host", help="the charger's (or its gateway's) address")
    parser.add_argument("profile", help="a shipped profile's key (e.g. vestel_evc04) or a .yaml file")
    parser.add_argument("--port", type=int, help="TCP port (default: the profile's)")
    parser.add_argument("--unit", type=int, help="unit id (default: the profile's)")
    parser.add_argument("--timeout", type=float, default=modbus.TIMEOUT_S, help="seconds per answer (%(default)s)")
    return parser.parse_args(argv)


def say(*columns: str, error: bool = False) -> None:
    """One line of output: a label, where the value lives, what was read."""
    text = " ".join(column for column in columns[2:] if column)
    line = f"{columns[0]:22} {columns[1]:24} {text}" if len(columns) > 1 else columns[0]
    print(line.rstrip(), file=sys.stderr if error else sys.stdout)


class Reader:
    def __init__(self, link: modbus.ModbusLink, profile: spec.Profile, unit_id: int) -> None:
        self.link, self.profile, self.unit_id = link, profile, unit_id

    async def show(
        self, label: str, register: Register, factor: float = 1, unit: str = "", means: _Meaning = None
    ) -> list[Value]:
        """Print the register's words and values (times `factor`, in `unit`); [] when it cannot be read."""
        unit_id = self.unit_id if register.unit_id is None else register.unit_id
        where = f"{register.table} {', '.join(_span(start, register.length) for start in register.starts)}"
        where += f" unit {unit_id}" if unit_id != self.unit_id else ""
        try:
            if not self.link.connected:  # pymodbus hangs up after a few unanswered requests
                await self.link.connect()
            words = await self.link.read(register, unit_id)
        except (ChargerRejected, ChargerTimeout) as err:  # a Modbus exception, or no answer: this register only
            say(label, where, "error:", str(err).split(": ", 1)[-1])
            return []
        words = words[: register.length * len(register.starts)]  # a coil read answers whole bytes
        values = decode(register, words, self.profile.word_order)
        shown = ", ".join(_text(value) for value in values)
        if factor != 1.0:
            shown += f" * {factor:g} = " + ", ".join(_text(float(value) * factor) for value in values)
        raw = str(words) if len(words) <= 8 else f"{str(words[:6])[:-1]}, ... {len(words)} words]"
        say(label, where, f"raw {raw} -> {shown}", unit, f"({means(values[0])})" if means else "")
        return values

    async def show_all(self) -> None:
        profile = self.profile
        enable, watchdog, phases = profile.enable, profile.watchdog, profile.phases
        values = {name: await self.show(f"status.{name}", reg) for name, reg in profile.status.registers.items()}
        if all(values.values()):
            state = status.decode_status(profile.status, {name: value[0] for name, value in values.items()})
            say("status", "", "->", f"{state} ({status.charger_status(state)})" if state else "not in the profile")
        else:
            say("status", "", "-> unknown: a status register could not be read")
        current = profile.current
        if current.readback is not None:
            label = "current" if current.readback == current.register else "current.readback"
            await self.show(label, current.readback, current.scale * spec.CURRENT_UNITS[current.unit], "A")
        if enable.register is not None and enable.readable:
            onoff: dict[Value, str] = {enable.on: "on", enable.off: "off"}
            await self.show("enable.register", enable.register, means=lambda v: onoff.get(v, "neither on nor off"))
        if watchdog is not None and watchdog.period_from is not None:
            await self.show("watchdog.period_from", watchdog.period_from, unit=watchdog.period_unit)
        if watchdog is not None and watchdog.value_from is not None:
            await self.show("watchdog.value_from", watchdog.value_from)
        for name, units, base in _METER:
            quantity: spec.Quantity | None = getattr(profile, name)
            if quantity is not None:
                await self.show(f"meter.{name}", quantity.register, quantity.scale * units[quantity.unit], base)
        if phases is not None and phases.requires is not None:
            need = phases.requires_value
            offered = {True: "phase switching offered", False: f"no phase switching: needs {need}"}
            await self.show("phases.requires", phases.requires, means=lambda v: offered[v == need])
        for name, source in profile.identity.items():
            if isinstance(source, str):
                say(f"identity.{name}", "text", repr(source))
            else:
                await self.show(f"identity.{name}", source)
        if profile.detect is not None and (pattern := profile.detect_pattern) is not None:
            found = {True: f"matches /{pattern}/", False: f"does not match /{pattern}/"}
            await self.show("detect.register", profile.detect, means=lambda v: found[bool(re.search(pattern, str(v)))])


async def run(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    is_file = args.profile.endswith((".yaml", ".yml"))
    path = Path(args.profile) if is_file else PROFILES_DIR / f"{args.profile}.yaml"
    try:
        profile = load_profile(path)
    except ProfileError as err:
        known = ", ".join(sorted(other.stem for other in PROFILES_DIR.glob("*.yaml")))
        say(f"{err}" if is_file or path.is_file() else f"no profile {args.profile!r} (shipped: {known})", error=True)
        return 2
    port = profile.port if args.port is None else args.port
    unit_id = profile.unit_id if args.unit is None else args.unit
    link = modbus.ModbusLink(
        args.host, port, framer=profile.framer, request_gap_s=profile.request_gap_s, timeout_s=args.timeout
    )
    rtu = f", RTU framing, {profile.request_gap_s * 1000:g} ms between requests" if profile.framer == "rtu" else ""
    say(f"{profile.key}: {profile.name} at {args.host}:{port}, unit {unit_id}{rtu}")
    try:
        await link.connect()
        await Reader(link, profile, unit_id).show_all()
    except ChargerOffline as err:
        say(f"cannot reach the charger: {err}", error=True)
        return 1
    finally:
        link.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)  # it logs each unanswered request itself
    return asyncio.run(run(argv))


def _span(start: int, length: int) -> str:
    return f"{start}..{start + length - 1}" if length > 1 else str(start)


def _text(value: Value) -> str:
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return repr(value) if isinstance(value, str) else str(value)


if __name__ == "__main__":
    sys.exit(main())

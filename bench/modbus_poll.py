"""What polling Modbus chargers costs ChargeShare's driver, and how many one event loop keeps polled, in one run.

N simulated chargers (sim.modbus) run in processes of their own (two by default), so that their pymodbus
servers' CPU is not counted here. This process's event loop polls them every `--interval` seconds with (a) ChargeShare's
ModbusCharger, as Home Assistant runs it, and (b) a bare pymodbus AsyncModbusTcpClient loop doing the same
reads without decoding, session or meter bookkeeping: the baseline for the driver's overhead. Both run for the
same window at each size, in alternating order. Then the driver alone is ramped (doubling, then bisecting)
to the most chargers it keeps polling once per interval.

    .venv/bin/python -m bench.modbus_poll [--profile alfen_eve] [--chargers 10 50 100 200] [--sim-processes 2] [--quick]

It prints figures; it is not a test and asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
import gc
import itertools
import logging
import os
import platform
import resource
import statistics
import sys
import time
from typing import Any

from pymodbus import FramerType, __version__ as pymodbus_version
from pymodbus.client import AsyncModbusTcpClient
from pymodbus.exceptions import ModbusException

from bench.modbus_simulators import HOST, TICK_S, BenchmarkError, Simulators, percentile
from custom_components.chargeshare.charger import ChargerError
from custom_components.chargeshare.modbus.charger import ModbusCharger, ModbusChargerSettings
from custom_components.chargeshare.modbus.profile import Profile
from custom_components.chargeshare.modbus.profile_loader import load_profiles
from custom_components.chargeshare.modbus.registers import Table

KEPT_UP_RATE = 0.95  # of one poll per interval, fleet average
SATURATED = 0.85  # share of a core from which a process is what limits
LAGGING_MS = 20.0  # an event loop this late (p99) delays each of a poll's sequential reads by as much
_READ_METHOD = {
    Table.COIL: "read_coils",
    Table.INPUT: "read_input_registers",
    Table.HOLDING: "read_holding_registers",
}
Read = tuple[str, int, int, int]  # client method, address, count, unit id


class _ExceptionReply(Exception):
    """The simulator answered a read with a Modbus exception."""


@dataclass(frozen=True, slots=True)
class Window:
    """One loop polling `chargers` chargers for `seconds`, after a warm-up."""

    loop: str  # "driver" or "bare"
    chargers: int
    seconds: float
    polls: int  # polls that ended inside the window, every read of them answered
    errors: int  # polls that failed (timeout, exception reply, lost connection)
    cpu_s: float  # this process
    sim_cpu_s: float  # the simulator processes, together
    rate: float  # polls per second per charger, fleet average
    slowest_rate: float  # of the charger polled least often (1 / its mean gap)
    late_ms: tuple[float, float, float]  # p50, p95, p99 of (gap between a charger's poll starts) - interval
    tick_p99_ms: float
    sim_tick_p99_ms: float  # the same in the latest simulator process: late answers, whatever the driver does

    @property
    def cpu_ms_per_poll(self) -> float:
        return self.cpu_s / max(self.polls, 1) * 1000

    def kept_up(self, interval_s: float, max_late_ms: float) -> bool:
        return self.errors == 0 and self.rate * interval_s >= KEPT_UP_RATE and self.late_ms[2] <= max_late_ms


class _Polls:
    """When each charger's polls started and ended (time.monotonic); appended to from the poll loops."""

    def __init__(self, chargers: int) -> None:
        self.starts: list[list[float]] = [[] for _ in range(chargers)]
        self.ends: list[list[float]] = [[] for _ in range(chargers)]
        self.errors: list[float] = []

    def done(self, index: int, started: float) -> None:
        self.starts[index].append(started)
        self.ends[index].append(time.monotonic())


class _TimedCharger(ModbusCharger):
    """ChargeShare's driver unchanged, except that each poll's start and end are noted."""

    def __init__(self, settings: ModbusChargerSettings, profile: Profile, polls: _Polls, index: int) -> None:
        super().__init__(settings, profile)
        self._polls, self._index = polls, index

    async def _poll(self) -> None:
        started = time.monotonic()
        try:
            await super()._poll()
        except ChargerError:
            self._polls.errors.append(time.monotonic())
            raise
        self._polls.done(self._index, started)


def poll_reads(profile: Profile) -> list[Read]:
    """The requests of one ModbusCharger poll, in its order: status, energy, power, currents, voltages."""
    quantities = (profile.energy, profile.power, profile.currents, profile.voltages)
    registers = [*profile.status.registers.values(), *(q.register for q in quantities if q is not None)]
    return [
        (_READ_METHOD[r.table], address, r.length, profile.unit_id if r.unit_id is None else r.unit_id)
        for r in registers
        for address in r.starts
    ]


async def _bare_loop(port: int, profile: Profile, interval_s: float, polls: _Polls, index: int) -> None:
    """The baseline: the same reads, one connection, no decoding; sleeps `interval_s` after each poll as ours does."""
    client = AsyncModbusTcpClient(
        HOST, port=port, framer=FramerType(profile.framer), timeout=3.0, retries=0, reconnect_delay=0
    )
    reads = [(getattr(client, method), address, count, unit) for method, address, count, unit in poll_reads(profile)]
    try:
        while True:
            started = time.monotonic()
            try:
                if not client.connected:
                    await client.connect()
                for read, address, count, unit_id in reads:
                    if (await read(address, count=count, device_id=unit_id)).isError():
                        raise _ExceptionReply
            except (ModbusException, TimeoutError, _ExceptionReply):
                polls.errors.append(time.monotonic())
            else:
                polls.done(index, started)
            await asyncio.sleep(interval_s)
    finally:
        client.close()


async def _ticker(lateness: list[float]) -> None:
    while True:
        start = time.monotonic()
        await asyncio.sleep(TICK_S)
        lateness.append(time.monotonic() - start - TICK_S)


async def _measure(
    loop: str, profile: Profile, ports: Sequence[int], sims: Simulators, args: Any, *, seconds: float
) -> Window:
    interval_s: float = args.interval
    polls = _Polls(len(ports))
    ticks: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    chargers = [
        _TimedCharger(ModbusChargerSettings(HOST, port, profile.unit_id, poll_interval_s=interval_s), profile, polls, i)
        for i, port in enumerate(ports)
        if loop == "driver"
    ]
    ticker = asyncio.create_task(_ticker(ticks))
    try:
        # Spread over one interval, as chargers set up at different times are, instead of all polling at once.
        for index, port in enumerate(ports):
            if chargers:
                await chargers[index].async_start()
            else:
                tasks.append(asyncio.create_task(_bare_loop(port, profile, interval_s, polls, index)))
            await asyncio.sleep(interval_s / len(ports))
        await asyncio.sleep(args.warmup)
        ticks.clear()
        sims.tick_p99_ms()  # from now on
        t0, cpu0, sim0 = time.monotonic(), time.process_time(), sims.cpu_s()
        await asyncio.sleep(seconds)
        t1, cpu1, sim1 = time.monotonic(), time.process_time(), sims.cpu_s()
        sim_tick_p99_ms = sims.tick_p99_ms()
        tick_lateness = sorted(ticks)
    finally:
        await asyncio.gather(*(charger.async_stop() for charger in chargers))
        # Again and again, as ModbusCharger.async_stop does: Python 3.11's wait_for, which pymodbus awaits its
        # answers with, drops a cancellation that arrives together with the answer.
        while pending := [task for task in (*tasks, ticker) if not task.done()]:
            for task in pending:
                task.cancel()
            await asyncio.wait(pending, timeout=0.1)
    ended = sum(t0 <= end <= t1 for ends in polls.ends for end in ends)
    gaps = [
        [later - earlier for earlier, later in itertools.pairwise(starts) if t0 <= later <= t1]
        for starts in polls.starts
    ]
    lateness = sorted((gap - interval_s) * 1000 for charger_gaps in gaps for gap in charger_gaps)
    return Window(
        loop=loop,
        chargers=len(ports),
        seconds=t1 - t0,
        polls=ended,
        errors=sum(t0 <= error <= t1 for error in polls.errors),
        cpu_s=cpu1 - cpu0,
        sim_cpu_s=sim1 - sim0,
        rate=ended / (t1 - t0) / len(ports),
        slowest_rate=min(1 / statistics.fmean(g) if g else 0.0 for g in gaps),
        late_ms=(percentile(lateness, 50), percentile(lateness, 95), percentile(lateness, 99)),
        tick_p99_ms=percentile(tick_lateness, 99) * 1000,
        sim_tick_p99_ms=sim_tick_p99_ms,
    )


def measure(
    loop: str, profile: Profile, ports: Sequence[int], sims: Simulators, args: Any, *, seconds: float
) -> Window:
    """One window on a fresh event loop, after a collection, so that no measurement inherits another's garbage."""
    print(f"  {profile.key}: {loop} loop, {len(ports)} chargers ...", file=sys.stderr, flush=True)
    gc.collect()
    return asyncio.run(_measure(loop, profile, ports, sims, args, seconds=seconds))


# ---------------------------------------------------------------------------------------- the run and the report


def raise_open_files_limit(chargers: int) -> None:
    """A socket per charger here; a listening and an accepted one per charger in the simulator processes."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 2 * chargers + 1024
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            raise BenchmarkError(f"{chargers} chargers need {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def find_ceiling(profile: Profile, sims: Simulators, known: Sequence[Window], args: Any) -> list[Window]:
    """Double from the largest size that kept up until one does not, then bisect to `--resolution`."""
    tried: list[Window] = []

    def kept_up(window: Window) -> bool:
        return window.kept_up(args.interval, args.max_late_ms)

    ok = max((w.chargers for w in known if kept_up(w)), default=0)
    failed = [w.chargers for w in known if not kept_up(w) and w.chargers > ok]
    fail = min(failed) if failed else None
    while fail is None or fail - ok > max(1, ok * args.resolution):
        chargers = ok * 2 if fail is None else (ok + fail) // 2
        if fail is None and chargers > args.max_chargers:
            break
        window = measure("driver", profile, sims.ports(max(chargers, 1)), sims, args, seconds=args.ceiling_seconds)
        tried.append(window)
        ok, fail = (window.chargers, fail) if kept_up(window) else (ok, window.chargers)
    return tried


def _table(rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = enumerate(zip(row, widths, strict=True))
        return "  ".join(cell.ljust(width) if i < 2 else cell.rjust(width) for i, (cell, width) in cells)

    return "\n".join(line(row) for row in rows)


def _windows_table(windows: Sequence[Window], args: Any) -> str:
    header = ["loop", "profile", "chargers", "polls/s/chgr", "slowest", "late p50/p95/p99 ms", "tick p99 ms"]
    header += ["sim tick p99", "errors", "CPU ms/poll", "loop CPU", "sim CPU", "sim ms/poll", "kept up"]
    rows = [header]
    rows.extend(
        [
            *(w.loop, args.profile, str(w.chargers), f"{w.rate:.3f}", f"{w.slowest_rate:.3f}"),
            *("/".join(f"{late:.0f}" for late in w.late_ms), f"{w.tick_p99_ms:.1f}", f"{w.sim_tick_p99_ms:.1f}"),
            str(w.errors),
            *(f"{w.cpu_ms_per_poll:.3f}", f"{w.cpu_s / w.seconds:.0%}", f"{w.sim_cpu_s / w.seconds:.0%}"),
            f"{w.sim_cpu_s / max(w.polls, 1) * 1000:.3f}",
            "yes" if w.kept_up(args.interval, args.max_late_ms) else "NO",
        ]
        for w in windows
    )
    return _table(rows)


def _profiles_note(profiles: dict[str, Profile], interval_s: float) -> list[str]:
    lines = []
    for key, profile in sorted(profiles.items()):
        line = f"  {key}: {len(poll_reads(profile))} reads per poll, framer {profile.framer}"
        if profile.request_gap_s:
            gap = profile.request_gap_s * len(poll_reads(profile))
            line += (
                f", request gap {profile.request_gap_s * 1000:.0f} ms (RS485 gateway): a poll waits {gap:.1f} s"
                f" between its requests, so at most {1 / (interval_s + gap):.2f} polls/s whatever the CPU"
            )
        lines.append(line)
    return lines


def _verdict(windows: Sequence[Window], ceiling: Sequence[Window], args: Any) -> list[str]:
    measured = [w for w in (*windows, *ceiling) if w.loop == "driver"]
    kept = [w for w in measured if w.kept_up(args.interval, args.max_late_ms)]
    broke = sorted((w for w in measured if not w.kept_up(args.interval, args.max_late_ms)), key=lambda w: w.chargers)
    best = max(kept, key=lambda w: w.chargers, default=None)
    lines = [f"ceiling: {best.chargers if best else 'none'} chargers kept polled every {args.interval:g} s"]
    if not broke:
        return [lines[0] + f" (the most tried; --max-chargers {args.max_chargers})"]
    first = next((w for w in broke if best is None or w.chargers > best.chargers), broke[0])
    loop_share = first.cpu_s / first.seconds
    sim_share = first.sim_cpu_s / first.seconds / args.sim_processes  # per simulator process
    if sim_share >= SATURATED and sim_share >= loop_share:
        why = "the SIMULATOR processes were saturated: the ceiling is a lower bound for the driver"
    elif loop_share >= SATURATED:
        why = "this event loop's CPU (the driver) was saturated"
    elif first.sim_tick_p99_ms >= LAGGING_MS and first.sim_tick_p99_ms > 2 * first.tick_p99_ms:
        why = (
            f"the SIMULATORS' event loops answered late ({TICK_S * 1000:g} ms sleeps woke up to"
            f" {first.sim_tick_p99_ms:.0f} ms late there, {first.tick_p99_ms:.0f} ms here), and each of a poll's"
            " reads waits for that: the ceiling is a lower bound for the driver"
        )
    elif first.tick_p99_ms >= LAGGING_MS and first.tick_p99_ms > 2 * first.sim_tick_p99_ms:
        why = f"this event loop (the driver) answered late ({first.tick_p99_ms:.0f} ms, p99)"
    elif max(first.tick_p99_ms, first.sim_tick_p99_ms) >= LAGGING_MS:
        why = (
            f"every event loop answered late ({first.tick_p99_ms:.0f} ms here, {first.sim_tick_p99_ms:.0f} ms in the"
            f" simulators, p99): the driver and the simulators compete for this machine's {os.cpu_count()} cores"
        )
    else:
        why = f"no process saturated or lagging: CPU contention (load average {os.getloadavg()[0]:.1f})"
    lines[0] += f"; broke at {first.chargers} (rate {first.rate:.3f}/s, p99 late {first.late_ms[2]:.0f} ms)"
    lines.append(f"limited by: {why} (loop {loop_share:.0%}, each simulator process {sim_share:.0%} of a core)")
    return lines


def report(windows: Sequence[Window], ceiling: Sequence[Window], profiles: dict[str, Profile], args: Any) -> str:
    pairs = {(w.chargers, w.loop): w for w in windows}
    sizes = sorted({w.chargers for w in windows})
    ratios = [pairs[n, "driver"].cpu_ms_per_poll / pairs[n, "bare"].cpu_ms_per_poll for n in sizes]
    largest = pairs[sizes[-1], "driver"]
    per_core = args.interval / (largest.cpu_ms_per_poll / 1000)
    reads = len(poll_reads(profiles[args.profile]))
    load_1, load_5, _ = os.getloadavg()
    return "\n".join(
        [
            f"Modbus TCP polling, profile {args.profile} ({reads} reads per poll), one poll per charger every "
            f"{args.interval:g} s; windows of {args.seconds:g} s after {args.warmup:g} s of warm-up "
            f"({args.ceiling_seconds:g} s for the ceiling); simulators in {args.sim_processes} other processes",
            f"python {platform.python_version()}, pymodbus {pymodbus_version}, CPUs {os.cpu_count()}, "
            f"load average {load_1:.2f} (1 min) {load_5:.2f} (5 min)",
            "",
            "driver = ChargeShare's ModbusCharger; bare = pymodbus AsyncModbusTcpClient doing the same reads",
            _windows_table(windows, args),
            "",
            f"ceiling ramp (driver only; kept up = average >= {KEPT_UP_RATE} polls per interval, "
            f"p99 lateness <= {args.max_late_ms:g} ms, no errors)",
            _windows_table(ceiling, args) if ceiling else "  (nothing beyond the sizes above was tried)",
            "",
            "polls: ModbusCharger._poll calls that returned, every read answered and decoded (timed by a subclass",
            "here; the driver is otherwise unchanged); bare: the same reads all answered. late: gap between two",
            f"poll starts of a charger minus {args.interval:g} s (both loops sleep the interval after a poll, so it",
            "includes the poll's own round trips); slowest: 1 / mean gap of the least-polled charger; tick, sim",
            f"tick: how late (p99, ms) a {TICK_S * 1000:g} ms sleep wakes in this process and in the latest simulator",
            "process. CPU: process time of this loop (loop) and of all simulator processes together (sim), per",
            "completed poll and as a share of one core.",
            "",
            "profiles (reads per poll):",
            *_profiles_note(profiles, args.interval),
            "",
            *_verdict(windows, ceiling, args),
            f"summary: driver CPU per poll {largest.cpu_ms_per_poll:.2f} ms ({largest.cpu_ms_per_poll / reads:.3f} "
            f"ms per read) at {largest.chargers} chargers; driver / bare pymodbus CPU per poll = "
            f"{statistics.median(ratios):.2f}x (median; {', '.join(f'{r:.2f}' for r in ratios)} at "
            f"{', '.join(map(str, sizes))}); one core's CPU would poll ~{per_core:.0f} chargers every "
            f"{args.interval:g} s (projection from CPU per poll, not measured)",
        ]
    )


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--profile", default="alfen_eve", help="a shipped profile (default alfen_eve)")
    parser.add_argument("--chargers", type=int, nargs="+", help="sizes measured side by side (10 50 100 200)")
    parser.add_argument("--seconds", type=float, help="counted window per side-by-side size (default 10)")
    parser.add_argument("--warmup", type=float, help="after the chargers started, not counted (default 3)")
    parser.add_argument("--ceiling-seconds", type=float, help="counted window per ceiling step (default 5)")
    parser.add_argument("--interval", type=float, default=1.0, help="poll interval, seconds (default 1)")
    parser.add_argument("--max-late-ms", type=float, default=250.0, help="p99 lateness that still keeps up")
    parser.add_argument("--max-chargers", type=int, help="the ramp stops doubling here (default 3200)")
    parser.add_argument("--resolution", type=float, help="bisect until within this fraction (default 0.1)")
    parser.add_argument("--sim-processes", type=int, default=2, help="processes the simulators share (default 2)")
    parser.add_argument("--quick", action="store_true", help="about 1 minute: fewer sizes, shorter windows")
    args = parser.parse_args(argv)
    quick = args.quick
    defaults = {
        "chargers": [10, 100] if quick else [10, 50, 100, 200],
        "seconds": 4.0 if quick else 10.0,
        "warmup": 2.0 if quick else 3.0,
        "ceiling_seconds": 3.0 if quick else 5.0,
        "max_chargers": 800 if quick else 3200,
        "resolution": 0.25 if quick else 0.1,
    }
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if (
        min(*args.chargers, args.sim_processes) < 1
        or min(args.seconds, args.warmup, args.ceiling_seconds, args.interval) <= 0
    ):
        parser.error("sizes, processes, windows and the interval must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    logging.basicConfig(level=logging.ERROR, format="[bench] %(levelname)s %(name)s: %(message)s")
    profiles = load_profiles()
    if args.profile not in profiles:
        print(f"unknown profile {args.profile}; shipped: {', '.join(sorted(profiles))}", file=sys.stderr)
        return 2
    profile = profiles[args.profile]
    windows: list[Window] = []
    try:
        raise_open_files_limit(max(args.max_chargers, *args.chargers))
        with Simulators(profile.key, args.sim_processes) as sims:
            for number, chargers in enumerate(sorted(args.chargers)):
                ports = sims.ports(chargers)
                # Alternating order, so that drift in the machine's load does not always favour the same loop.
                order = ("driver", "bare") if number % 2 == 0 else ("bare", "driver")
                windows.extend(measure(loop, profile, ports, sims, args, seconds=args.seconds) for loop in order)
            ceiling = find_ceiling(profile, sims, windows, args)
    except BenchmarkError as err:
        print(f"benchmark failed: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(report(windows, ceiling, profiles, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())

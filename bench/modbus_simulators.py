"""The simulated Modbus chargers of one benchmark, in processes of their own.

Their pymodbus servers' CPU is then not counted against the driver that polls them. The coordinator sends
each process how many chargers it wants and gets their ports back, or LAG and gets how late the process's
event loop has been since it last asked; STOP, or the coordinator going away, ends the process.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
import contextlib
import logging
import multiprocessing
from multiprocessing.connection import Connection
import os
from pathlib import Path
import signal
import time
from types import TracebackType
from typing import Any

from bench.channel import AsyncChannel, ChannelClosed
from custom_components.chargeshare.modbus.profile_loader import load_profiles

HOST = "127.0.0.1"
STOP = "stop"
LAG = "lag"
TICK_S = 0.010  # the responsiveness probe: how late a task sleeping 10 ms wakes up
SIM_START_TIMEOUT_S = 600.0  # a simulator takes about 10 ms of CPU to build


class BenchmarkError(RuntimeError):
    """The benchmark could not measure (the simulator process died or did not answer)."""


def _simulators_main(profile_key: str, connection: Connection) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's to handle: it stops this process
    logging.basicConfig(level=logging.ERROR, format="[simulators] %(levelname)s %(name)s: %(message)s")
    # pymodbus's server logs an error for every answer to a client that closed meanwhile, as every client
    # does at the end of a window; what a failed poll means is counted on the polling side.
    logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
    asyncio.run(_serve_simulators(profile_key, connection))


async def _serve_simulators(profile_key: str, connection: Connection) -> None:
    """Grow to the number of chargers asked for and answer their ports, until STOP or the coordinator is gone."""
    from sim.modbus import SimulatedModbusCharger  # only this process needs pymodbus's server side

    profile = load_profiles()[profile_key]
    channel = AsyncChannel(connection)
    sims: list[SimulatedModbusCharger] = []
    lateness: list[float] = []
    background = [asyncio.create_task(_advance(sims)), asyncio.create_task(_ticker(lateness))]
    try:
        while (command := await channel.receive()) != STOP:
            if command == LAG:
                channel.send(percentile(sorted(lateness), 99) * 1000)
                lateness.clear()
                continue
            while len(sims) < command:
                sim = SimulatedModbusCharger(profile, host=HOST)
                await sim.start()
                sim.plug_in()
                sims.append(sim)
            channel.send([sim.port for sim in sims[:command]])
    except ChannelClosed:
        pass
    finally:
        for task in background:
            task.cancel()
        for sim in sims:
            await sim.stop()
        channel.close()


async def _advance(sims: Sequence[Any]) -> None:
    """Sim time follows the wall clock, so that cars charge and the meter moves between polls."""
    while True:
        await asyncio.sleep(1.0)
        for sim in sims:
            sim.advance(1.0)


async def _ticker(lateness: list[float]) -> None:
    """How late a short sleep wakes: the simulators answer no sooner than their event loop gets round to it."""
    while True:
        start = time.monotonic()
        await asyncio.sleep(TICK_S)
        lateness.append(time.monotonic() - start - TICK_S)


def percentile(ordered: Sequence[float], percent: float) -> float:
    """Nearest-rank percentile; NaN for no data."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, max(0, round(percent / 100 * len(ordered)) - 1))]


class Simulators:
    """The simulated chargers of one profile, spread over spawned processes; all stopped on exit, whatever happened.

    More than one process, because a single event loop serving hundreds of pymodbus servers answers late
    long before its process uses a whole core, and the benchmark measures the driver, not the simulator.
    """

    def __init__(self, profile_key: str, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self._children: list[tuple[multiprocessing.process.BaseProcess, Connection]] = []
        for number in range(processes):
            pipe, child_end = context.Pipe()
            process = context.Process(
                target=_simulators_main, args=(profile_key, child_end), name=f"simulators-{number}", daemon=True
            )
            process.start()
            child_end.close()
            self._children.append((process, pipe))
        self._clock_ticks = os.sysconf("SC_CLK_TCK")

    @property
    def processes(self) -> int:
        return len(self._children)

    def ports(self, chargers: int) -> list[int]:
        """The ports of `chargers` simulated chargers, shared out between the processes, started if need be."""
        shares = [chargers // self.processes + (number < chargers % self.processes) for number in range(self.processes)]
        answers = self._ask_all(shares, f"start {chargers} chargers")
        return [port for ports in answers for port in ports]

    def tick_p99_ms(self) -> float:
        """How late (p99) a 10 ms sleep woke since the last call, in the simulator process that was latest."""
        return max(float(lag) for lag in self._ask_all([LAG] * self.processes, "answer"))

    def cpu_s(self) -> float:
        """The simulator processes' CPU time so far, from /proc: no round trip through their event loops."""
        total = 0
        for process, _ in self._children:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / self._clock_ticks

    def _ask_all(self, commands: Sequence[int | str], what: str) -> list[Any]:
        """Send each process its command first, then collect the answers: the processes work in parallel."""
        for (_, pipe), command in zip(self._children, commands, strict=True):
            pipe.send(command)
        answers = []
        for process, pipe in self._children:
            if not pipe.poll(SIM_START_TIMEOUT_S):
                raise BenchmarkError(f"the simulator process {process.name} did not {what} in time")
            try:
                answers.append(pipe.recv())
            except (EOFError, OSError):
                raise BenchmarkError(f"{process.name} ended (exit code {process.exitcode})") from None
        return answers

    def __enter__(self) -> Simulators:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        for process, pipe in self._children:
            if process.is_alive():
                with contextlib.suppress(OSError):
                    pipe.send(STOP)
        for process, pipe in self._children:
            process.join(10)
            if process.is_alive():
                process.terminate()
                process.join()
            pipe.close()

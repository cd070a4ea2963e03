"""The server side of one measurement, in a process of its own so that nothing else shares its event loop.

It runs one central system (bare ocpp library, or ChargeShare in Home Assistant), watches its event loop,
reads the process's resident memory and CPU time, and answers the coordinator: first `ServerReady`, then
a `ServerSample` for each SAMPLE command until STOP.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
import contextlib
from dataclasses import dataclass
import gc
import logging
from multiprocessing.connection import Connection
from pathlib import Path
import time

from bench.channel import AsyncChannel

SAMPLE = "sample"
STOP = "stop"
# Short enough to catch stalls well below the 50 ms target, long enough to cost the loop nothing.
TICK_S = 0.005

ServerFactory = Callable[[Sequence[str]], contextlib.AbstractAsyncContextManager[int]]


@dataclass(frozen=True, slots=True)
class ServerSample:
    """The server process's figures; the loop figures cover the time since the previous sample."""

    rss_kb: int
    worst_stall_ms: float
    longest_callback_ms: float
    longest_callback: str
    # Garbage collection inside the longest callback, and the longest callback not counting collections.
    longest_callback_gc_ms: float
    longest_callback_without_gc_ms: float
    longest_callback_without_gc: str
    longest_gc_ms: float  # the longest single collection of the period
    cpu_s: float  # CPU time of the whole process (all threads) so far


@dataclass(frozen=True, slots=True)
class ServerReady:
    port: int
    sample: ServerSample


class LoopMonitor:
    """Two views of how responsive the event loop stays.

    The stall is how late a task sleeping TICK_S wakes up: what every other task of the process waits
    for. Under a saturating load it is about one loop iteration, and an iteration runs every ready
    callback in turn, so it grows with the number of busy connections even when each callback is short.
    The longest callback (one callback or one task step) tells code that blocks the loop by itself apart
    from that, garbage-collection pauses and waits for the GIL that fall inside it included; it is timed
    by wrapping asyncio's Handle._run, which costs about a microsecond per callback. Collections are timed
    through gc.callbacks, so that a callback's own time can be told from the collector's: a collection walks
    every object the process tracks, and a Home Assistant with many entities tracks a great many.
    """

    # Figures of the current period (see _start_period).
    _worst_stall_s: float
    _longest_callback_s: float
    _longest_callback: str
    _longest_callback_gc_s: float
    _longest_without_gc_s: float
    _longest_without_gc: str
    _longest_gc_s: float

    def __init__(self) -> None:
        self._gc_total_s = 0.0
        self._gc_started = 0.0
        self._start_period()

    async def run(self) -> None:
        """Time callbacks, collections and tick until cancelled."""
        loop = asyncio.get_running_loop()
        original_run = asyncio.events.Handle._run

        def timed_run(handle: asyncio.Handle) -> None:
            start, gc_before = time.perf_counter(), self._gc_total_s
            original_run(handle)
            elapsed = time.perf_counter() - start
            collecting = self._gc_total_s - gc_before
            if elapsed > self._longest_callback_s:
                self._longest_callback_s, self._longest_callback = elapsed, _describe(handle)
                self._longest_callback_gc_s = collecting
            if elapsed - collecting > self._longest_without_gc_s:
                self._longest_without_gc_s, self._longest_without_gc = elapsed - collecting, _describe(handle)

        asyncio.events.Handle._run = timed_run  # type: ignore[method-assign,assignment]
        gc.callbacks.append(self._on_collection)
        try:
            while True:
                start = loop.time()
                await asyncio.sleep(TICK_S)
                self._worst_stall_s = max(self._worst_stall_s, loop.time() - start - TICK_S)
        finally:
            gc.callbacks.remove(self._on_collection)
            asyncio.events.Handle._run = original_run  # type: ignore[method-assign]

    def _on_collection(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._gc_started = time.perf_counter()
            return
        collecting = time.perf_counter() - self._gc_started
        self._gc_total_s += collecting
        self._longest_gc_s = max(self._longest_gc_s, collecting)

    def take_sample(self) -> ServerSample:
        """The figures since the last sample; starts a new period."""
        sample = ServerSample(
            rss_kb=rss_kb(),
            worst_stall_ms=self._worst_stall_s * 1000,
            longest_callback_ms=self._longest_callback_s * 1000,
            longest_callback=self._longest_callback,
            longest_callback_gc_ms=self._longest_callback_gc_s * 1000,
            longest_callback_without_gc_ms=self._longest_without_gc_s * 1000,
            longest_callback_without_gc=self._longest_without_gc,
            longest_gc_ms=self._longest_gc_s * 1000,
            cpu_s=time.process_time(),
        )
        self._start_period()
        return sample

    def _start_period(self) -> None:
        self._worst_stall_s = 0.0
        self._longest_callback_s = 0.0
        self._longest_callback = ""
        self._longest_callback_gc_s = 0.0
        self._longest_without_gc_s = 0.0
        self._longest_without_gc = ""
        self._longest_gc_s = 0.0


def _describe(handle: asyncio.Handle) -> str:
    """What a callback ran: for a task step, the coroutines down to the await where the step ended."""
    callback = handle._callback  # type: ignore[attr-defined]
    owner = getattr(callback, "__self__", None)
    if not isinstance(owner, asyncio.Task):
        return str(getattr(callback, "__qualname__", callback))
    names: list[str] = []
    awaiting: object = owner.get_coro()
    whose = ""
    while hasattr(awaiting, "cr_await"):
        names.append(getattr(awaiting, "__qualname__", "?"))
        frame = getattr(awaiting, "cr_frame", None)
        key = getattr(frame.f_locals.get("self"), "key", None) if frame else None
        whose = whose or (f" of {key}" if isinstance(key, str) else "")  # e.g. which Store writes
        awaiting = awaiting.cr_await
    return "task " + " > ".join(names[-3:]) + whose


def rss_kb() -> int:
    """This process's resident set size (VmRSS), in kB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main(server: str, charge_point_ids: Sequence[str], connection: Connection) -> None:
    """Process entry point: run `server` ("bare" or "chargeshare") until the coordinator says STOP."""
    logging.basicConfig(level=logging.WARNING, format=f"[{server} server] %(levelname)s %(name)s: %(message)s")
    asyncio.run(_serve(_factory(server), charge_point_ids, connection))


def _factory(server: str) -> ServerFactory:
    # Imported here so that the bare server's process never loads Home Assistant.
    if server == "bare":
        from bench import bare_server

        return bare_server.serve
    from bench import chargeshare_server

    return chargeshare_server.serve


async def _serve(factory: ServerFactory, charge_point_ids: Sequence[str], connection: Connection) -> None:
    channel = AsyncChannel(connection)
    monitor = LoopMonitor()
    async with factory(charge_point_ids) as port, _running(monitor):
        await asyncio.sleep(0)  # let the monitor start
        channel.send(ServerReady(port, monitor.take_sample()))
        while await channel.receive() == SAMPLE:
            channel.send(monitor.take_sample())
    channel.close()


@contextlib.asynccontextmanager
async def _running(monitor: LoopMonitor) -> AsyncIterator[None]:
    task = asyncio.get_running_loop().create_task(monitor.run())
    try:
        yield
    finally:
        task.cancel()

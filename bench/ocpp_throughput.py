"""OCPP throughput of ChargeShare's central system next to a bare ocpp-library server, in one run.

N simulated chargers (bench/load.py, a process of their own) send OCPP 1.6J MeterValues to (a) ChargeShare's
OcppServer inside a running Home Assistant test instance (bench/chargeshare_server.py) and (b) a bare
ocpp-library central system on aiohttp (bench/bare_server.py), one after the other with the same load, over
several rounds in alternating order. Each server runs in a fresh process (bench/server_process.py) that
reports its memory, CPU time and event-loop stalls.

For each server: boot the chargers (memory per connection), send MeterValues back to back (messages/s,
stall), then once per charger every `--interval` seconds (the stall at a steady, unsaturated load).
Printed: messages/s of both and their ratio, memory per connection, the longest stalls and how many
chargers were connected, each next to its target.

    .venv/bin/python -m bench.ocpp_throughput [--chargers 200] [--seconds 10] [--rounds 3] [--json]

Messages/s are counted by the load (MeterValues answered inside the window), the same way for both servers.
It prints figures; it is not a test and does not fail when a target is missed.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
import json
import multiprocessing
import os
import platform
import resource
import statistics
import sys
from types import TracebackType
from typing import Any

from bench import load, server_process
from bench.load import CLOSE, BackToBack, BackToBackResult, Booted, Paced, PacedResult
from bench.server_process import SAMPLE, STOP, ServerReady, ServerSample

SERVERS = {"bare": "bare ocpp library", "chargeshare": "ChargeShare in HA"}
TARGET_RATIO = 0.9
TARGET_STALL_MS = 50.0
TARGET_CHARGERS = 1000
# Back to back but not counted: at the start every charger's first message arrives at once.
WARMUP_S = 2.0
# Home Assistant with 1000 chargers registers 22 000 entities before the server listens.
SERVER_READY_TIMEOUT_S = 900.0
BOOTED_TIMEOUT_S = 900.0
REPLY_TIMEOUT_S = 120.0
# Besides one socket per charger: Home Assistant's own files, the executor, the pipes.
SPARE_FILES = 1024


class BenchmarkError(RuntimeError):
    """The benchmark could not measure (a process died, did not answer, or a limit is too low)."""


@dataclass(frozen=True, slots=True)
class Measurement:
    server: str
    round: int
    chargers: int
    booted: int  # went through BootNotification .. StatusNotification (Charging)
    connected: int  # still connected when the back-to-back window closed
    errors: int  # CALLERRORs and lost connections, both loads
    memory_per_connection_kb: float
    messages_per_s: float  # back to back
    # CPU time (all threads) per MeterValues answered back to back: less moved than messages/s by other
    # processes on the machine; it includes the GIL hand-offs between the loop and the validation threads.
    server_cpu_per_message_us: float
    load_cpu_share: float  # of one core: the load process must not be what limits the rate
    stall_ms: float  # back to back
    longest_callback_ms: float  # back to back: code that blocked the loop by itself
    longest_callback: str
    longest_callback_gc_ms: float  # garbage collection inside that callback
    longest_callback_without_gc_ms: float  # back to back: the longest any code blocked the loop itself
    longest_callback_without_gc: str
    longest_gc_ms: float  # back to back: the longest single garbage collection
    paced_stall_ms: float
    paced_round_trip_ms: float  # the slowest CALLRESULT a charger waited for, paced
    booting_stall_ms: float  # while the chargers connected and booted
    failures: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    messages_per_s: dict[str, float]  # median of the rounds
    ratio: float  # median of the rounds' ChargeShare / bare ratios
    server_cpu_per_message_us: dict[str, float]  # median of the rounds
    cpu_ratio: float  # median of the rounds' bare / ChargeShare CPU per message (comparable to `ratio`)
    memory_per_connection_kb: dict[str, float]  # median of the rounds
    stall_ms: dict[str, float]  # worst of the rounds
    paced_stall_ms: dict[str, float]  # worst of the rounds
    longest_callback_ms: dict[str, float]  # worst of the rounds
    longest_callback: dict[str, str]  # what ran in that callback, how much was collection, which round
    longest_callback_without_gc_ms: dict[str, float]  # worst of the rounds
    longest_callback_without_gc: dict[str, str]  # what ran in it, and in which round
    longest_gc_ms: dict[str, float]  # worst of the rounds
    connected: dict[str, int]  # fewest of the rounds


class _Child:
    """A child process (spawned, so it starts clean) and the coordinator's end of its control pipe."""

    def __init__(self, name: str, target: Callable[..., None], args: tuple[Any, ...]) -> None:
        context = multiprocessing.get_context("spawn")
        self.name = name
        self._pipe, child_end = context.Pipe()
        self._process = context.Process(target=target, args=(*args, child_end), name=name, daemon=True)
        self._process.start()
        child_end.close()

    def send(self, message: Any) -> None:
        self._pipe.send(message)

    def receive(self, timeout_s: float) -> Any:
        if not self._pipe.poll(timeout_s):
            raise BenchmarkError(f"the {self.name} process did not answer within {timeout_s:.0f} s")
        try:
            return self._pipe.recv()
        except EOFError:
            self._process.join(5)
            raise BenchmarkError(f"the {self.name} process ended (exit code {self._process.exitcode})") from None

    def wait(self, timeout_s: float = REPLY_TIMEOUT_S) -> None:
        self._process.join(timeout_s)

    def __enter__(self) -> _Child:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._process.is_alive():
            self._process.terminate()
            self._process.join()
        self._pipe.close()


def measure(server: str, round_number: int, charge_point_ids: Sequence[str], args: argparse.Namespace) -> Measurement:
    """One server in a fresh process: boot the chargers, then the back-to-back load, then the paced one."""
    paced = Paced(interval_s=args.interval, seconds=max(args.seconds, args.interval))
    with _Child(f"{server} server", server_process.main, (server, charge_point_ids)) as server_child:
        ready: ServerReady = server_child.receive(SERVER_READY_TIMEOUT_S)
        with _Child("load", load.main, (f"ws://127.0.0.1:{ready.port}", charge_point_ids)) as load_child:
            booted: Booted = load_child.receive(BOOTED_TIMEOUT_S)
            server_child.send(SAMPLE)
            idle: ServerSample = server_child.receive(REPLY_TIMEOUT_S)
            load_child.send(BackToBack(warmup_s=WARMUP_S, seconds=args.seconds))
            full: BackToBackResult = load_child.receive(WARMUP_S + args.seconds + REPLY_TIMEOUT_S)
            server_child.send(SAMPLE)
            after_full: ServerSample = server_child.receive(REPLY_TIMEOUT_S)
            load_child.send(paced)
            steady: PacedResult = load_child.receive(paced.seconds + REPLY_TIMEOUT_S)
            server_child.send(SAMPLE)
            after_steady: ServerSample = server_child.receive(REPLY_TIMEOUT_S)
            load_child.send(CLOSE)
            load_child.wait()
        server_child.send(STOP)
        server_child.wait()
    return Measurement(
        server=server,
        round=round_number,
        chargers=len(charge_point_ids),
        booted=booted.booted,
        connected=full.connected,
        errors=full.errors + steady.errors,
        memory_per_connection_kb=(idle.rss_kb - ready.sample.rss_kb) / max(booted.booted, 1),
        messages_per_s=full.messages / full.seconds,
        server_cpu_per_message_us=(after_full.cpu_s - idle.cpu_s) / max(full.all_messages, 1) * 1e6,
        load_cpu_share=full.cpu_s / (WARMUP_S + full.seconds),
        stall_ms=after_full.worst_stall_ms,
        longest_callback_ms=after_full.longest_callback_ms,
        longest_callback=after_full.longest_callback,
        longest_callback_gc_ms=after_full.longest_callback_gc_ms,
        longest_callback_without_gc_ms=after_full.longest_callback_without_gc_ms,
        longest_callback_without_gc=after_full.longest_callback_without_gc,
        longest_gc_ms=after_full.longest_gc_ms,
        paced_stall_ms=after_steady.worst_stall_ms,
        paced_round_trip_ms=steady.worst_round_trip_ms,
        booting_stall_ms=idle.worst_stall_ms,
        failures=booted.failures,
    )


def summarize(measurements: Sequence[Measurement]) -> Summary:
    by_server = {server: [m for m in measurements if m.server == server] for server in SERVERS}
    rounds = sorted({m.round for m in measurements})
    rate = {(m.server, m.round): m.messages_per_s for m in measurements}
    cpu = {(m.server, m.round): m.server_cpu_per_message_us for m in measurements}
    slowest = {server: max(ms, key=lambda m: m.longest_callback_ms) for server, ms in by_server.items()}

    def median(figure: Callable[[Measurement], float]) -> dict[str, float]:
        return {server: statistics.median(figure(m) for m in ms) for server, ms in by_server.items()}

    def worst(figure: Callable[[Measurement], float]) -> dict[str, float]:
        return {server: max(figure(m) for m in ms) for server, ms in by_server.items()}

    return Summary(
        messages_per_s=median(lambda m: m.messages_per_s),
        ratio=statistics.median(rate["chargeshare", r] / max(rate["bare", r], 1e-9) for r in rounds),
        server_cpu_per_message_us=median(lambda m: m.server_cpu_per_message_us),
        cpu_ratio=statistics.median(cpu["bare", r] / max(cpu["chargeshare", r], 1e-9) for r in rounds),
        memory_per_connection_kb=median(lambda m: m.memory_per_connection_kb),
        stall_ms=worst(lambda m: m.stall_ms),
        paced_stall_ms=worst(lambda m: m.paced_stall_ms),
        longest_callback_ms={server: m.longest_callback_ms for server, m in slowest.items()},
        longest_callback={
            server: f"{m.longest_callback} (round {m.round}; gc {m.longest_callback_gc_ms:.1f} ms of it)"
            for server, m in slowest.items()
        },
        longest_callback_without_gc_ms=worst(lambda m: m.longest_callback_without_gc_ms),
        longest_callback_without_gc={
            server: f"{m.longest_callback_without_gc} (round {m.round})"
            for server, m in (
                (server, max(ms, key=lambda m: m.longest_callback_without_gc_ms)) for server, ms in by_server.items()
            )
        },
        longest_gc_ms=worst(lambda m: m.longest_gc_ms),
        connected={server: min(m.connected for m in ms) for server, ms in by_server.items()},
    )


def raise_open_files_limit(chargers: int) -> None:
    """Allow a socket per charger in the server and in the load process (children inherit the limit)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = chargers + SPARE_FILES
    if soft >= wanted:
        return
    if hard != resource.RLIM_INFINITY and hard < wanted:
        raise BenchmarkError(f"{chargers} chargers need {wanted} open files; the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def environment() -> dict[str, str]:
    versions = {name: metadata.version(name) for name in ("homeassistant", "ocpp", "aiohttp", "jsonschema")}
    load_1, load_5, _ = os.getloadavg()
    return {
        "python": platform.python_version(),
        **versions,
        "CPUs": str(os.cpu_count()),
        "load average": f"{load_1:.2f} (1 min) {load_5:.2f} (5 min)",
    }


def _table(rows: Sequence[Sequence[str]], text_columns: int) -> str:
    """Rows as aligned columns: the first `text_columns` left-aligned, figures right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]

    def line(row: Sequence[str]) -> str:
        cells = (
            cell.ljust(w) if i < text_columns else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        return "  ".join(cells).rstrip()

    return "\n".join(line(row) for row in rows)


def _rounds_table(measurements: Sequence[Measurement]) -> str:
    rows = [
        [
            "round",
            "server",
            "msg/s",
            "connected",
            "errors",
            "kB/conn",
            "stall ms",
            "longest cb ms",
            "cb w/o gc ms",
            "longest gc ms",
            "paced stall ms",
            "paced rtt ms",
            "boot stall ms",
            "CPU µs/msg",
            "load CPU",
        ]
    ]
    rows += [
        [
            str(m.round),
            SERVERS[m.server],
            f"{m.messages_per_s:.0f}",
            f"{m.connected}/{m.chargers}",
            str(m.errors),
            f"{m.memory_per_connection_kb:.0f}",
            f"{m.stall_ms:.1f}",
            f"{m.longest_callback_ms:.1f}",
            f"{m.longest_callback_without_gc_ms:.1f}",
            f"{m.longest_gc_ms:.1f}",
            f"{m.paced_stall_ms:.1f}",
            f"{m.paced_round_trip_ms:.1f}",
            f"{m.booting_stall_ms:.1f}",
            f"{m.server_cpu_per_message_us:.0f}",
            f"{m.load_cpu_share:.0%}",
        ]
        for m in measurements
    ]
    return _table(rows, text_columns=2)


def _summary_table(summary: Summary, args: argparse.Namespace) -> str:
    def verdict(met: bool) -> str:
        return "met" if met else "MISSED"

    def both(figures: dict[str, float], decimals: int = 0) -> list[str]:
        return [f"{figures[server]:.{decimals}f}" for server in SERVERS]

    chargers = args.chargers
    connected_target = f"all {chargers}"
    if chargers < TARGET_CHARGERS:
        connected_target += f" (target {TARGET_CHARGERS}: --chargers {TARGET_CHARGERS})"
    stall_target = f"<= {TARGET_STALL_MS:g}"
    rows = [
        ["", *SERVERS.values(), "target", ""],
        ["MeterValues/s back to back (median)", *both(summary.messages_per_s), "", ""],
        [
            "ratio ChargeShare / bare (median)",
            "",
            f"{summary.ratio:.2f}",
            f">= {TARGET_RATIO}",
            verdict(summary.ratio >= TARGET_RATIO),
        ],
        ["timer lateness back to back, ms (worst)", *both(summary.stall_ms, 1), "", "(one loop iteration)"],
        [
            f"loop stall, each charger every {args.interval:g} s, ms (worst)",
            *both(summary.paced_stall_ms, 1),
            stall_target,
            verdict(summary.paced_stall_ms["chargeshare"] <= TARGET_STALL_MS),
        ],
        [
            "chargers connected (fewest)",
            *(f"{summary.connected[server]}/{chargers}" for server in SERVERS),
            connected_target,
            verdict(all(connected == chargers for connected in summary.connected.values())),
        ],
        ["memory per connection, kB (median)", *both(summary.memory_per_connection_kb), "none set", ""],
        ["server CPU per MeterValues, µs (median)", *both(summary.server_cpu_per_message_us), "", ""],
        ["CPU ratio bare / ChargeShare (median)", "", f"{summary.cpu_ratio:.2f}", "", ""],
        ["longest callback back to back, ms (worst)", *both(summary.longest_callback_ms, 1), "", ""],
        [
            "loop stall: longest callback without garbage collection, ms",
            *both(summary.longest_callback_without_gc_ms, 1),
            stall_target,
            verdict(summary.longest_callback_without_gc_ms["chargeshare"] <= TARGET_STALL_MS),
        ],
        ["longest garbage collection, ms (worst)", *both(summary.longest_gc_ms, 1), "", ""],
    ]
    return _table(rows, text_columns=1)


_LEGEND = """\
msg/s: MeterValues answered per second, back to back; stall: how late a 5 ms timer fired, i.e. about one loop
iteration, which runs every ready callback in turn, so under a saturating load it grows with the number of
chargers for any asyncio server (queueing, not blocking); longest cb: the longest single callback or task step,
garbage-collection pauses included; cb w/o gc: the longest time any callback blocked the loop by itself (the
stall the target is about); longest gc: the longest single garbage collection, which walks every object the
process tracks (Home Assistant's registries and states grow with every charger); paced: each charger once
per interval, rtt as a charger sees it; boot stall: while the chargers booted; CPU µs/msg: server process CPU
(all threads) per MeterValues, back to back; load CPU: the load process, share of one core."""


def report(args: argparse.Namespace, measurements: Sequence[Measurement], summary: Summary) -> str:
    lines = [
        f"OCPP 1.6J MeterValues from {args.chargers} chargers: back to back for {args.seconds:g} s after "
        f"{WARMUP_S:g} s of warm-up, then each charger every {args.interval:g} s; {args.rounds} round(s), "
        "servers in alternating order, a fresh process each",
        ", ".join(f"{name} {value}" for name, value in environment().items()),
        "",
        _rounds_table(measurements),
        "",
        _LEGEND,
        "",
        _summary_table(summary, args),
        "",
        *(
            f"longest callback of {SERVERS[server]}: {what}, {summary.longest_callback_ms[server]:.1f} ms"
            for server, what in summary.longest_callback.items()
        ),
        *(
            f"longest callback without gc of {SERVERS[server]}: {what}, "
            f"{summary.longest_callback_without_gc_ms[server]:.1f} ms"
            for server, what in summary.longest_callback_without_gc.items()
        ),
    ]
    failures = sorted({failure for m in measurements for failure in m.failures})
    if failures:
        lines += ["", "chargers that did not boot (first few):", *(f"  {failure}" for failure in failures)]
    return "\n".join(lines)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chargers", type=int, default=200, help="simulated chargers (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="counted window per measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both servers, alternating order (default 3)")
    parser.add_argument(
        "--interval", type=float, default=10.0, help="seconds between a charger's MeterValues when paced (default 10)"
    )
    parser.add_argument("--json", action="store_true", help="print the measurements as JSON instead of tables")
    args = parser.parse_args(argv)
    if args.chargers < 1 or args.seconds <= 0 or args.rounds < 1 or args.interval <= 0:
        parser.error("--chargers, --seconds, --rounds and --interval must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    charge_point_ids = [f"CP{number:04d}" for number in range(1, args.chargers + 1)]
    measurements: list[Measurement] = []
    try:
        raise_open_files_limit(args.chargers)
        for round_number in range(1, args.rounds + 1):
            # Alternating order, so that drift in the machine's load does not always favour the same server.
            order = list(SERVERS) if round_number % 2 else list(reversed(SERVERS))
            for server in order:
                print(f"round {round_number}/{args.rounds}: {SERVERS[server]} ...", file=sys.stderr, flush=True)
                measurements.append(measure(server, round_number, charge_point_ids, args))
    except BenchmarkError as err:
        print(f"benchmark failed: {err}", file=sys.stderr)
        return 1
    summary = summarize(measurements)
    if args.json:
        document = {
            "chargers": args.chargers,
            "seconds": args.seconds,
            "warmup_s": WARMUP_S,
            "interval_s": args.interval,
            "environment": environment(),
            "targets": {"ratio": TARGET_RATIO, "stall_ms": TARGET_STALL_MS, "chargers": TARGET_CHARGERS},
            "summary": asdict(summary),
            "measurements": [asdict(m) for m in measurements],
        }
        print(json.dumps(document, indent=2))
    else:
        print(report(args, measurements, summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

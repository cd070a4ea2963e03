"""Many host links on one hub process: its CPU and memory, and the time from a status message to its SSE event.

A fresh hub database (SQLite; with --postgres that PostgreSQL database, dropped and recreated) gets LINKS seeded
hosts (`chargeshare_hub.seed`), each with a listing, published so that an anonymous event stream sees it, and a
link token. One `chargeshare-hub serve` process serves them all. PROCESSES client processes (`bench.hub_link_clients`)
open the LINKS websockets, and each link sends an `evse.status` change every INTERVAL seconds, the links spread
evenly over the interval; one anonymous client reads the event stream (`GET /api/v1/events`). For SECONDS it
measures the time from sending each status to its SSE event and to its ack, and the hub process's CPU (user and
system time over the window) and resident memory (sampled every second, and the kernel's high-water mark).
The aims (issue 7): at most 1 GB, p99 at most 500 ms.

    .venv/bin/python -m bench.hub_links [--links 5000] [--seconds 90] [--interval 10] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Sequence
import contextlib
from dataclasses import dataclass
import json
import multiprocessing
from multiprocessing.connection import Connection
import os
from pathlib import Path
import re
import socket
import statistics
import sys
import tempfile
import time

import aiohttp
from sqlalchemy import select, update
from sqlalchemy.engine import make_url

from chargeshare_hub.accounts.service import Accounts
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate
from chargeshare_hub.listings.tables import Evse, Location
from chargeshare_hub.seed import seed_hosts

from .hub_link_clients import Connected, LinkSpec, Sent, StatusKey, Window, client_process, raise_file_limit
from .postgres_database import recreate_database

AIM_RSS_MB = 1024
AIM_P99_MS = 500
GRACE_S = 5.0  # after the window: for events and acks still on their way
START_DELAY_S = 1.0  # between telling the client processes the window and its start
FILES_PER_LINK = 2  # the hub's socket and the client's, when both run on this machine
SPARE_FILES = 200  # the databases, the event stream, the interpreter's own
_EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Timeout)\w*: ")  # a traceback's last line


@dataclass(frozen=True, slots=True)
class HubUsage:
    cpu_s: float | None
    rss_mb_peak_sampled: float | None
    rss_mb_end: float | None
    rss_mb_high_water: float | None  # VmHWM: the process's peak since it started, setup included


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--links", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=90.0, help="how long the links send statuses")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between one link's status changes")
    parser.add_argument("--processes", type=int, default=2, help="client processes driving the links")
    parser.add_argument("--postgres", help="run on this PostgreSQL database (dropped and recreated), not SQLite")
    parser.add_argument("--hub-log", type=Path, help="keep the hub's log here (else it goes with the temporary dir)")
    args = parser.parse_args(argv)
    if args.links < 1 or args.processes < 1 or args.interval < 1 or args.seconds <= 0:
        parser.error("--links and --processes are at least 1, --interval at least 1 s, --seconds above 0")
    limit = raise_file_limit()
    if limit < args.links * FILES_PER_LINK + SPARE_FILES:
        print(f"warning: {limit} open files allowed (ulimit -n); {args.links} links need about "
              f"{args.links * FILES_PER_LINK + SPARE_FILES}")  # fmt: skip
    asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> None:
    backend = "PostgreSQL" if args.postgres else "SQLite"
    with tempfile.TemporaryDirectory(prefix="hub-links-bench-") as tmp:
        config = HubConfig(data_dir=Path(tmp) / "data", database=args.postgres or "")
        if args.postgres and not await recreate_database(args.postgres):
            print(f"PostgreSQL at {make_url(args.postgres).render_as_string()} is unreachable")
            return
        print(f"{backend}: seeding {args.links} hosts with a listing and a link token each", flush=True)
        started = time.perf_counter()
        links = await _prepare(config, args.links, args.interval)
        print(f"  ready in {time.perf_counter() - started:.1f} s", flush=True)
        log = args.hub_log or Path(tmp) / "hub.log"
        async with _hub_process(config, log) as (url, hub):
            await _measure(args, backend, url=url, hub=hub, links=links, log=log)


async def _prepare(config: HubConfig, count: int, interval_s: float) -> list[LinkSpec]:
    """Seeded hosts (the seed module's bulk writer), every listing published, a link token per host (as pairing
    issues it: the `link` scope only); the links' send times spread evenly over the interval."""
    db = Database.from_config(config)
    try:
        await migrate(db)
        await seed_hosts(db, count, seed=1)
        async with db.write() as session:
            await session.execute(update(Location).values(publish=True))
            rows = (
                await session.execute(
                    select(Location.host_id, Location.id, Evse.uid)
                    .join(Evse, Evse.location_id == Location.id)
                    .where(Evse.position == 0)
                    .order_by(Location.host_id)
                )
            ).all()
        accounts = Accounts(db, config)
        tokens = [(await accounts.create_token(host_id, "Home Assistant", frozenset({"link"}))).secret
                  for host_id, _, _ in rows]  # fmt: skip
    finally:
        await db.close()
    return [
        LinkSpec(token, location_id, evse_uid, offset_s=index * interval_s / count)
        for index, (token, (_, location_id, evse_uid)) in enumerate(zip(tokens, rows, strict=True))
    ]


@contextlib.asynccontextmanager
async def _hub_process(config: HubConfig, log: Path) -> AsyncIterator[tuple[str, asyncio.subprocess.Process]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    database = ["--database", config.database] if config.database else []
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "chargeshare_hub", "--data-dir", str(config.data_dir), *database,
            "serve", "--port", str(port), stdout=output, stderr=output,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_up(url, process)
        yield url, process
    finally:
        if process.returncode is None:
            process.terminate()
        await process.wait()


async def _wait_until_up(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            if process.returncode is not None:
                break
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200:
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"the hub at {url} never answered")


async def _measure(
    args: argparse.Namespace,
    backend: str,
    *,
    url: str,
    hub: asyncio.subprocess.Process,
    links: list[LinkSpec],
    log: Path,
) -> None:
    loop = asyncio.get_running_loop()
    seen: dict[StatusKey, float] = {}
    subscribed = asyncio.Event()
    watcher = asyncio.create_task(_watch_events(url, seen, subscribed))
    await subscribed.wait()
    context = multiprocessing.get_context("spawn")  # a fresh interpreter: no event loop crosses over
    pipes: list[Connection] = []
    processes = []
    for part in range(args.processes):
        ours, theirs = context.Pipe()
        process = context.Process(
            target=client_process, args=(theirs, url, links[part :: args.processes], args.interval), daemon=True
        )
        process.start()
        theirs.close()
        pipes.append(ours)
        processes.append(process)
    try:
        print(f"  opening {len(links)} links from {args.processes} client process(es)", flush=True)
        connected: list[Connected] = await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in pipes))
        start_at = time.monotonic() + START_DELAY_S
        window = Window(start_at, start_at + args.seconds, GRACE_S)
        for pipe in pipes:
            pipe.send(window)
        print(f"  {sum(c.links for c in connected)} links up; sending statuses for {args.seconds:g} s", flush=True)
        usage_task = asyncio.create_task(_hub_usage(hub.pid, window))
        sent: list[Sent] = await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in pipes))
        usage = await usage_task
    finally:
        watcher.cancel()
        for process in processes:
            await loop.run_in_executor(None, process.join, 30)
            if process.is_alive():
                process.kill()
    exited = hub.returncode  # before the hub is stopped: whether it fell over during the run
    _report(args, backend, connected=connected, sent=sent, seen=seen, usage=usage, log=log, exited=exited)


async def _watch_events(url: str, seen: dict[StatusKey, float], subscribed: asyncio.Event) -> None:
    """Notes when each `evse.status` event arrives, keyed as the status message that caused it."""
    timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
    async with aiohttp.ClientSession(timeout=timeout) as session, session.get(f"{url}/api/v1/events") as response:
        assert response.status == 200, await response.text()
        subscribed.set()
        kind, data = "", ""
        async for line in response.content:
            text = line.decode().rstrip("\n")
            if text.startswith("event: "):
                kind = text[len("event: ") :]
            elif text.startswith("data: "):
                data = text[len("data: ") :]
            elif not text:
                if kind == "evse.status" and data:
                    event = json.loads(data)
                    key = (event["location_id"], event["evse_uid"], event["status"], event["status_updated_at"])
                    seen.setdefault(key, time.monotonic())
                kind, data = "", ""


async def _hub_usage(pid: int, window: Window) -> HubUsage:
    """The hub's CPU time over the window, and its resident memory sampled every second of it."""
    await asyncio.sleep(max(0.0, window.start_at - time.monotonic()))
    cpu_before, samples = _cpu_seconds(pid), []
    while time.monotonic() < window.end_at:
        samples.append(_status_mb(pid, "VmRSS"))
        await asyncio.sleep(min(1.0, max(0.0, window.end_at - time.monotonic())))
    cpu_after = _cpu_seconds(pid)
    sampled = [sample for sample in samples if sample is not None]
    return HubUsage(
        cpu_s=None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
        rss_mb_peak_sampled=max(sampled) if sampled else None,
        rss_mb_end=_status_mb(pid, "VmRSS"),
        rss_mb_high_water=_status_mb(pid, "VmHWM"),
    )


def _cpu_seconds(pid: int) -> float | None:
    """User and system time of the process so far, from Linux's /proc; None elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _status_mb(pid: int, name: str) -> float | None:
    """A memory figure of /proc/PID/status (in kB there), in MB; None where the system does not tell."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{name}:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _report(
    args: argparse.Namespace,
    backend: str,
    *,
    connected: list[Connected],
    sent: list[Sent],
    seen: dict[StatusKey, float],
    usage: HubUsage,
    log: Path,
    exited: int | None,
) -> None:
    up = sum(c.links for c in connected)
    failures = sum((Counter(c.failures) for c in connected), Counter[str]())
    sends = [send for tally in sent for send in tally.sends]
    latencies = [seen[key] - sent_at for key, sent_at in sends if key in seen]
    acks = [latency for tally in sent for latency in tally.ack_latencies_s]
    nacks = sum((tally.nacks for tally in sent), Counter[str]())
    closed = sum((tally.closed for tally in sent), Counter[str]())
    missing = len(sends) - len(latencies)
    p99_ms = _percentile(latencies, 99) * 1000 if latencies else float("inf")
    rss = usage.rss_mb_peak_sampled
    errors, failures_logged = _errors_logged(log)
    print(f"\n{backend}: {args.links} host links on one hub process, a status change per link every "
          f"{args.interval:g} s, {args.seconds:g} s measured")  # fmt: skip
    print(f"load average (1, 5, 15 min): {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
    rows = [
        ("links connected", f"{up} of {args.links}" + _counts(failures, " (failed: {})")
         + f", in {max(c.seconds for c in connected):.1f} s"),
        ("links closed by the hub", f"{sum(closed.values())}" + _counts(closed, " (close codes: {})")),
        ("status messages sent", f"{len(sends)} = {len(sends) / args.seconds:.1f}/s"),
        ("acked / nacked / no answer", f"{len(acks)} / {sum(nacks.values())}" + _counts(nacks, " ({})")
         + f" / {sum(tally.unacked for tally in sent)}"),
        ("SSE events received", f"{len(latencies)} = {len(latencies) / args.seconds:.1f}/s, {missing} missing"),
        ("status -> SSE event", _spread(latencies)),
        ("status -> ack", _spread(acks)),
        ("hub CPU", "-" if usage.cpu_s is None else f"{usage.cpu_s / args.seconds * 100:.0f} % of one core"),
        ("client processes' CPU", f"{sum(t.cpu_s for t in sent) / args.seconds * 100:.0f} % of one core in all"),
        ("hub RSS", "-" if rss is None else f"peak {rss:.0f} MB sampled in the window, {usage.rss_mb_end:.0f} MB "
         f"at its end; {usage.rss_mb_high_water:.0f} MB high-water mark (setup included)"),
        ("hub process", "running to the end" if exited is None else f"EXITED during the run (code {exited})"),
        ("hub log", f"{errors} ERROR line(s)" + _counts(failures_logged, ", exceptions: {}")),
        (f"aim RSS <= {AIM_RSS_MB} MB", "-" if rss is None else "met" if rss <= AIM_RSS_MB else "NOT met"),
        (f"aim p99 <= {AIM_P99_MS} ms", "met" if p99_ms <= AIM_P99_MS and not missing else "NOT met"
         + (f" ({missing} events missing)" if missing else "")),
    ]  # fmt: skip
    for label, value in rows:
        print(f"{label:28}{value}")


def _spread(values: list[float]) -> str:
    if not values:
        return "-"
    return (f"p50 {_percentile(values, 50) * 1000:.1f} ms, p99 {_percentile(values, 99) * 1000:.1f} ms, "
            f"max {max(values) * 1000:.1f} ms")  # fmt: skip


def _counts(counter: Counter[str], template: str) -> str:
    return template.format(", ".join(f"{key}: {count}" for key, count in counter.most_common())) if counter else ""


def _errors_logged(log: Path) -> tuple[int, Counter[str]]:
    """How many ERROR lines the hub logged, and the exceptions its tracebacks end with (numbers left out)."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return 0, Counter()
    exceptions = Counter(re.sub(r"\d+", "N", line)[:120] for line in lines if _EXCEPTION_LINE.match(line))
    return sum(1 for line in lines if " ERROR " in line), exceptions


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]


if __name__ == "__main__":
    main()

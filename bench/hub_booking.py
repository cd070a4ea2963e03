"""Booking throughput of a real hub process, SQLite and PostgreSQL side by side.

Per backend: a fresh database with many listings (two EVSEs each, a tariff with a booking fee), a hub
process (`python -m chargeshare_hub serve`) on 127.0.0.1, and CLIENTS concurrent drivers with pre-made API
tokens booking random slots (15-minute grid, 30 minutes to 2 hours, within a week) for a fixed time. It
prints bookings committed and attempted per second, latency percentiles, how many were refused as
slot_taken, the overlapping pairs a SQL check finds afterwards (which must be 0), and the hub process's CPU
time per attempt (Linux), which a machine busy with other work disturbs less than the rates. The aim: at
least 300 committed bookings per second.

Each backend runs once per `--workers` count (default: 1, then 2 processes sharing the port); the CPU time
is that of all the hub's processes.

    .venv/bin/python -m bench.hub_booking [--seconds 10] [--workers 1 2] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import os
from pathlib import Path
import random
import socket
import statistics
import sys
import tempfile
import time
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.accounts.service import Accounts
from chargeshare_hub.accounts.tables import User
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate

from .postgres_database import recreate_database

AIM_PER_S = 300
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/chargeshare_hub_bench"
BOOKING_FEE_TARIFF = {
    "currency": "EUR",
    "elements": [
        {
            "price_components": [{"type": "FLAT", "price": 1.00, "vat": 19.0, "step_size": 1}],
            "restrictions": {"reservation": "RESERVATION"},
        },
        {"price_components": [{"type": "ENERGY", "price": 0.35, "vat": 19.0, "step_size": 1}]},
    ],
}
OVERLAPPING_PAIRS = text(
    "SELECT count(*) FROM bookings a JOIN bookings b ON a.evse_row_id = b.evse_row_id AND a.id < b.id"
    " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
    " WHERE a.reservation_status IN ('PENDING', 'RESERVED') AND b.reservation_status IN ('PENDING', 'RESERVED')"
)


@dataclass(slots=True)
class Tally:
    attempted: int = 0
    committed: int = 0
    slot_taken: int = 0
    other: dict[str, int] = field(default_factory=dict)
    latencies_s: list[float] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Result:
    backend: str
    workers: int
    seconds: float
    tally: Tally
    overlapping_pairs: int
    rows: int
    hub_cpu_s: float | None  # during the timed run; None where the system does not tell


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="how long the drivers book")
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--listings", type=int, default=100)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="hub processes, one run per count")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a database the bench drops and recreates")
    asyncio.run(_run(parser.parse_args(argv)))


async def _run(args: argparse.Namespace) -> None:
    results: list[Result] = []
    for workers in args.workers:
        with tempfile.TemporaryDirectory(prefix="hub-booking-bench-") as tmp:
            config = HubConfig(data_dir=Path(tmp) / "sqlite", workers=workers)
            results.append(await _backend("SQLite", config, args))
            if await recreate_database(args.postgres):
                config = HubConfig(data_dir=Path(tmp) / "postgresql", database=args.postgres, workers=workers)
                results.append(await _backend("PostgreSQL", config, args))
            else:
                print(f"PostgreSQL at {make_url(args.postgres).render_as_string()} is unreachable: skipped")
    _report(results, args)


async def _backend(name: str, config: HubConfig, args: argparse.Namespace) -> Result:
    print(f"{name}, {config.workers} worker(s): preparing {args.listings} listings, {args.clients} drivers", flush=True)
    db = Database.from_config(config)
    try:
        await migrate(db)
        host_token, driver_tokens = await _tokens(db, config, args.clients)
        async with _hub_process(config) as (url, pid):
            location_ids = await _listings(url, host_token, args.listings)
            await _book_for(url, location_ids, driver_tokens, 1.0, Tally())  # warm-up, not counted
            tally = Tally()
            started, cpu_before = time.perf_counter(), _cpu_seconds(pid)
            await _book_for(url, location_ids, driver_tokens, args.seconds, tally)
            seconds, cpu_after = time.perf_counter() - started, _cpu_seconds(pid)
        async with db.read() as session:
            pairs = int(await session.scalar(OVERLAPPING_PAIRS) or 0)
            rows = int(await session.scalar(text("SELECT count(*) FROM bookings")) or 0)
    finally:
        await db.close()
    hub_cpu_s = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return Result(name, config.workers, seconds, tally, pairs, rows, hub_cpu_s)


def _cpu_seconds(pid: int) -> float | None:
    """The user and system time so far of a process and its children (the workers), from Linux's /proc; None
    elsewhere."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as children:
            child_pids = [int(child) for child in children.read().split()]
    except OSError:
        return None
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(_cpu_seconds(child) or 0.0 for child in child_pids)


async def _tokens(db: Database, config: HubConfig, drivers: int) -> tuple[str, list[str]]:
    """Accounts made directly (no password hashing) with an API token each: the host's first."""
    async with db.write() as session:
        users = [
            User(email=f"bench{n}@example.org", password_hash="!", name=f"bench{n}", is_host=n == 0)  # noqa: S106
            for n in range(drivers + 1)
        ]
        session.add_all(users)
        await session.flush()
        user_ids = [user.id for user in users]
    accounts = Accounts(db, config)
    tokens = [(await accounts.create_token(user_id, "bench", ALL_SCOPES)).secret for user_id in user_ids]
    return tokens[0], tokens[1:]


async def _listings(url: str, host_token: str, count: int) -> list[str]:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {host_token}"}) as session:
        async with session.post(f"{url}/api/v1/tariffs", json=BOOKING_FEE_TARIFF) as response:
            assert response.status == 201, await response.text()
            tariff_id = (await response.json())["id"]
        location_ids = []
        for n in range(count):
            async with session.post(f"{url}/api/v1/listings", json=_listing(n, tariff_id)) as response:
                assert response.status == 201, await response.text()
                location_ids.append((await response.json())["id"])
    return location_ids


def _listing(n: int, tariff_id: str) -> dict[str, Any]:
    connector = {
        "id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
        "max_voltage": 230, "max_amperage": 16, "tariff_ids": [tariff_id],
    }  # fmt: skip
    return {
        "publish": True,
        "name": f"Bench charger {n}",
        "address": f"Benchstraße {n}",
        "city": "Köln",
        "country": "DEU",
        "coordinates": {"latitude": f"{50.9 + n / 10000:.6f}", "longitude": f"{6.95 + n / 10000:.6f}"},
        "time_zone": "Europe/Berlin",
        "evses": [{"uid": f"evse-{k}", "status": "AVAILABLE", "connectors": [connector]} for k in (1, 2)],
    }


async def _book_for(url: str, location_ids: list[str], tokens: list[str], seconds: float, tally: Tally) -> None:
    first_slot = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    deadline = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=len(tokens))
    async with aiohttp.ClientSession(connector=connector) as session:

        async def driver(token: str, rng: random.Random) -> None:
            headers = {"Authorization": f"Bearer {token}"}
            while time.perf_counter() < deadline:
                start = first_slot + timedelta(minutes=15 * rng.randrange(7 * 24 * 4))
                end = start + timedelta(minutes=15 * rng.randrange(2, 9))
                body = {
                    "location_id": rng.choice(location_ids),
                    "period": {"start_from": _z(start), "end_before": _z(end)},
                }
                sent = time.perf_counter()
                async with session.post(f"{url}/api/v1/bookings", json=body, headers=headers) as response:
                    document = await response.json()
                tally.latencies_s.append(time.perf_counter() - sent)
                tally.attempted += 1
                if response.status == 201:
                    tally.committed += 1
                elif document["error"]["code"] == "slot_taken":
                    tally.slot_taken += 1
                else:
                    key = f"{response.status} {document['error']['code']}"
                    tally.other[key] = tally.other.get(key, 0) + 1

        await asyncio.gather(*(driver(token, random.Random(n)) for n, token in enumerate(tokens)))


def _z(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@contextlib.asynccontextmanager
async def _hub_process(config: HubConfig) -> AsyncIterator[tuple[str, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    database = ["--database", config.database] if config.database else []
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "chargeshare_hub", "--data-dir", str(config.data_dir), *database,
        "serve", "--port", str(port), "--workers", str(config.workers),
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_until_up(url, port, config.workers)
        yield url, process.pid
    finally:
        process.terminate()
        await process.wait()


async def _wait_until_up(url: str, port: int, workers: int) -> None:
    """Until the hub answers and every worker listens (each has a socket of its own on the port)."""
    async with aiohttp.ClientSession() as session:
        for _ in range(600):
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with session.get(f"{url}/healthz") as response:
                    if response.status == 200 and _listening_sockets(port) in (None, workers):
                        return
            await asyncio.sleep(0.05)
    raise RuntimeError(f"the hub at {url} never answered")


def _listening_sockets(port: int) -> int | None:
    """How many sockets listen on the port, from Linux's /proc; None elsewhere."""
    try:
        with open("/proc/net/tcp", encoding="ascii") as table:
            rows = [line.split() for line in table.readlines()[1:]]
    except OSError:
        return None
    return sum(1 for row in rows if row[1].endswith(f":{port:04X}") and row[3] == "0A")


def _report(results: list[Result], args: argparse.Namespace) -> None:
    print(f"\n{args.clients} concurrent drivers, {args.listings} listings x 2 EVSEs, {args.seconds:g} s per backend")
    print(f"load average (1, 5, 15 min): {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
    rows: list[tuple[str, Callable[[Result], str]]] = [
        ("committed bookings/s", lambda r: f"{r.tally.committed / r.seconds:.0f}"),
        ("attempted bookings/s", lambda r: f"{r.tally.attempted / r.seconds:.0f}"),
        ("p50 latency (ms)", lambda r: f"{_percentile(r.tally.latencies_s, 50) * 1000:.1f}"),
        ("p95 latency (ms)", lambda r: f"{_percentile(r.tally.latencies_s, 95) * 1000:.1f}"),
        ("hub CPU ms / attempt", _cpu_per_attempt),
        ("refused slot_taken", lambda r: str(r.tally.slot_taken)),
        ("other refusals", lambda r: ", ".join(f"{k}: {v}" for k, v in r.tally.other.items()) or "0"),
        ("booking rows", lambda r: str(r.rows)),
        ("double bookings (SQL)", lambda r: str(r.overlapping_pairs)),
        (f"aim >= {AIM_PER_S}/s", lambda r: "met" if r.tally.committed / r.seconds >= AIM_PER_S else "NOT met"),
    ]
    print(f"{'':24}" + "".join(f"{r.backend:>11} x{r.workers}" for r in results))
    for label, cell in rows:
        print(f"{label:24}" + "".join(f"{cell(r):>14}" for r in results))


def _cpu_per_attempt(result: Result) -> str:
    if result.hub_cpu_s is None or not result.tally.attempted:
        return "-"
    return f"{result.hub_cpu_s / result.tally.attempted * 1000:.2f}"


def _percentile(values: list[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100)[percent - 1]


if __name__ == "__main__":
    main()

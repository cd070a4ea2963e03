"""Search at scale: seed a million chargers around real towns, then time searches through the service layer.

Run as `python -m bench.hub_search [--chargers 1000000]`. For each backend (a SQLite file; PostgreSQL when
reachable) it prints the seeding time, then p50/p95 of searches around points drawn like the data (towns by
population, 1-3 km jitter) at 5 km and 25 km, each with one of four filter sets in turn, and the ratio to the
same queries without the spatial index (a full scan, timed on a sample in the same run). One HTTP p50 through
the whole aiohttp stack is printed for context.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
import random
import statistics
import tempfile
import time

import aiohttp
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate
from chargeshare_hub.search.query import SearchQuery
from chargeshare_hub.search.service import find
from chargeshare_hub.search.tables import SearchEntry
from chargeshare_hub.seed import seed_hosts
from chargeshare_hub.seed.towns import EUROPE, Town, jittered, pick, towns
from chargeshare_hub.web.app import create_app

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/chargeshare_hub_h3_bench"
RADII_KM = (5, 25)
FULL_SCAN_SAMPLE = 20
HTTP_REQUESTS = 100
FILTER_LABELS = ("Type 2 >= 11 kW", "max price", "free 2 h window", "no filter")
WINDOW_START = datetime(2030, 6, 12, 17, 0, tzinfo=UTC)  # a Wednesday evening, far from any booking


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chargers", type=int, default=1_000_000)
    parser.add_argument("--searches", type=int, default=500, help="per radius and backend")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES)
    parser.add_argument("--sqlite-dir", type=Path, help="where the SQLite file goes (default: a temporary dir)")
    parser.add_argument("--reuse", action="store_true", help="search what an earlier run seeded (needs --sqlite-dir)")
    args = parser.parse_args(argv)
    asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> None:
    print(f"Search benchmark: {args.chargers} chargers around towns in {len(EUROPE)} European countries, "
          f"{args.searches} searches per radius")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.sqlite_dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        sqlite_file = directory / "bench-search.sqlite3"
        if not args.reuse:
            _remove_sqlite(sqlite_file)
        await _backend("SQLite", HubConfig(data_dir=directory, database=f"sqlite:///{sqlite_file}"), args)
    if await _reachable(args.postgres, wipe=not args.reuse):
        await _backend("PostgreSQL", HubConfig(data_dir=Path(tempfile.gettempdir()), database=args.postgres), args)
    else:
        print(f"PostgreSQL: skipped, {args.postgres} is not reachable")


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _reachable(url: str, *, wipe: bool) -> bool:
    engine = create_async_engine(url.replace("postgresql://", "postgresql+asyncpg://", 1))
    try:
        async with engine.begin() as connection:
            if wipe:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
    except Exception as err:  # any failure to reach it means: skip this backend
        print(f"PostgreSQL: {type(err).__name__}: {err}")
        return False
    finally:
        await engine.dispose()
    return True


async def _backend(name: str, config: HubConfig, args: argparse.Namespace) -> None:
    db = Database.from_config(config)
    try:
        await migrate(db)
        async with db.read() as session:
            present = await session.scalar(select(func.count()).select_from(SearchEntry))
        if args.reuse and present:
            print(f"{name}: searching the {present} chargers an earlier run seeded")
        else:
            started = time.perf_counter()
            await seed_hosts(db, args.chargers, seed=args.seed)
            seeded = time.perf_counter() - started
            async with db.write() as session:
                await session.execute(text("ANALYZE"))
            print(f"{name}: seeded {args.chargers} chargers in {seeded:.0f} s ({args.chargers / seeded:.0f} a second)")
        rng = random.Random(args.seed + 1)
        candidates = towns(EUROPE)
        for radius_km in RADII_KM:
            queries = _queries(rng, candidates, radius_km, args.searches)
            indexed, results = await _timed(db, queries, use_index=True)
            full, _ = await _timed(db, queries[:FULL_SCAN_SAMPLE], use_index=False)
            sample = statistics.median(indexed[:FULL_SCAN_SAMPLE])
            print(
                f"  {radius_km:>2} km: p50 {_ms(statistics.median(indexed))}, p95 {_ms(_p95(indexed))}, "
                f"{statistics.mean(results):.1f} results a page on average; full scan p50 "
                f"{_ms(statistics.median(full))} on {len(full)} of them = {statistics.median(full) / sample:.0f}x "
                "the indexed p50 of the same"
            )
            for index, label in enumerate(FILTER_LABELS):
                mine = indexed[index :: len(FILTER_LABELS)]
                print(f"         {label}: p50 {_ms(statistics.median(mine))}, p95 {_ms(_p95(mine))}")  # fmt: skip
        print(f"  HTTP (5 km, whole stack) p50 {_ms(await _http_p50(config, db, rng, candidates))}")
    finally:
        await db.close()


def _queries(rng: random.Random, candidates: list[Town], radius_km: int, count: int) -> list[SearchQuery]:
    filters: list[Callable[[SearchQuery, str], SearchQuery]] = [  # in the order of FILTER_LABELS
        lambda query, _currency: replace(query, standards=("IEC_62196_T2",), min_power=11_000),
        lambda query, currency: replace(query, max_price=30 if currency == "EUR" else 10**6, currency=currency),
        lambda query, _currency: replace(query, free=(WINDOW_START, WINDOW_START + timedelta(hours=2))),
        lambda query, _currency: query,
    ]
    queries = []
    for index, town in enumerate(pick(rng, candidates, count)):
        query = SearchQuery(point=jittered(rng, town), radius_m=radius_km * 1000, sort="distance")
        queries.append(filters[index % len(filters)](query, town.currency))
    return queries


async def _timed(db: Database, queries: list[SearchQuery], *, use_index: bool) -> tuple[list[float], list[int]]:
    times, counts = [], []
    for query in queries:
        started = time.perf_counter()
        async with db.read() as session:
            page = await find(session, None, query, use_index=use_index)
        times.append(time.perf_counter() - started)
        counts.append(len(page.results))
    return times, counts


async def _http_p50(config: HubConfig, db: Database, rng: random.Random, candidates: list[Town]) -> float:
    server = TestServer(create_app(config, db, background_tasks=False), host="127.0.0.1")
    await server.start_server()
    times = []
    try:
        async with aiohttp.ClientSession() as client:
            for town in pick(rng, candidates, HTTP_REQUESTS):
                lat, lon = jittered(rng, town)
                url = server.make_url(f"/api/v1/search?lat={lat:.6f}&lon={lon:.6f}&radius_km=5")
                started = time.perf_counter()
                async with client.get(url) as response:
                    await response.read()
                    assert response.status == 200
                times.append(time.perf_counter() - started)
    finally:
        await server.close()
    return statistics.median(times)


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


if __name__ == "__main__":
    main()

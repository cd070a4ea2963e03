"""Demo data for a fresh hub: a host, a driver and an admin with known passwords (for demos, never production),
and, when asked, many generated hosts with listings around real towns (`seed --hosts N`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
import random
import time

from sqlalchemy import func, select

from ..accounts.service import Accounts
from ..accounts.tables import User
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from .bulk import BulkWriter
from .chargers import seed_listing
from .towns import EUROPE, pick, towns

DEMO_PASSWORD = "chargeshare-demo"  # noqa: S105 (demo accounts only, printed by `seed`)
DEMO_ACCOUNTS = (
    ("host@demo.chargeshare.example", "Hanna Host", {"host": True, "driver": False}),
    ("driver@demo.chargeshare.example", "Dario Driver", {"host": False, "driver": True}),
    ("admin@demo.chargeshare.example", "Ada Admin", {"host": False, "driver": False, "admin": True}),
)
DEMO_DRIVER = DEMO_ACCOUNTS[1][0]
BATCH = 5000


async def seed(
    db: Database,
    config: HubConfig,
    *,
    hosts: int = 0,
    seed: int = 0,
    countries: Sequence[str] = EUROPE,
    clock: Callable[[], datetime] = utcnow,
) -> list[str]:
    """Adds the demo accounts to a hub that has none, then `hosts` generated hosts; says what it did."""
    async with db.read() as session:
        has_accounts = bool(await session.scalar(select(func.count()).select_from(User)))
    lines = ["The hub has accounts already: no demo accounts seeded."] if has_accounts else []
    if not has_accounts:
        accounts = Accounts(db, config)
        lines.append("Demo accounts:")
        for email, name, roles in DEMO_ACCOUNTS:
            await accounts.register(email, DEMO_PASSWORD, name, verified=True, **roles)
            lines.append(f"{email} / {DEMO_PASSWORD}")
    if hosts:
        lines.append(await seed_hosts(db, hosts, seed=seed, countries=countries, clock=clock))
    elif has_accounts:
        lines = ["The hub has accounts already: nothing seeded."]
    return lines


async def seed_hosts(
    db: Database,
    count: int,
    *,
    seed: int = 0,
    countries: Sequence[str] = EUROPE,
    clock: Callable[[], datetime] = utcnow,
) -> str:
    """`count` hosts, each with one listing near a town drawn by population; the same seed gives the same hosts.

    Raises ValueError for unknown countries or a seed already used on this hub (the accounts would clash).
    """
    if count < 0:
        raise ValueError("--hosts is a number of hosts, 0 or more")
    started = time.perf_counter()
    candidates = towns(countries)
    if not candidates:
        raise ValueError("no towns in those countries")
    async with db.read() as session:
        if await session.scalar(select(User.id).where(User.email == f"host{seed}-0@seed.chargeshare.example")):
            raise ValueError(f"hosts of seed {seed} are on this hub already; pick another --seed")
        invitee_id = await session.scalar(select(User.id).where(User.email == DEMO_DRIVER))
    rng = random.Random(seed)  # noqa: S311 (made-up demo data, reproducible by design)
    places = pick(rng, candidates, count)
    writer = BulkWriter(clock(), invitee_id)
    for first in range(0, count, BATCH):
        batch = [seed_listing(rng, seed, index, places[index]) for index in range(first, min(count, first + BATCH))]
        async with db.write() as session:
            await writer.write(session, batch)
    return (
        f"Seeded {count} hosts with listings around {len(candidates)} towns in {time.perf_counter() - started:.1f} s."
    )

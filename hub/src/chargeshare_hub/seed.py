"""Demo data for a fresh hub: a host, a driver and an admin with known passwords (for demos, never production)."""

from __future__ import annotations

from sqlalchemy import func, select

from .accounts.service import Accounts
from .accounts.tables import User
from .config import HubConfig
from .db.engine import Database

DEMO_PASSWORD = "chargeshare-demo"  # noqa: S105 (demo accounts only, printed by `seed`)
DEMO_ACCOUNTS = (
    ("host@demo.chargeshare.example", "Hanna Host", {"host": True, "driver": False}),
    ("driver@demo.chargeshare.example", "Dario Driver", {"host": False, "driver": True}),
    ("admin@demo.chargeshare.example", "Ada Admin", {"host": False, "driver": False, "admin": True}),
)


async def seed(db: Database, config: HubConfig) -> list[str]:
    """Adds the demo accounts to a hub that has none; says what it did."""
    async with db.read() as session:
        if await session.scalar(select(func.count()).select_from(User)):
            return ["The hub has accounts already: nothing seeded."]
    accounts = Accounts(db, config)
    lines = []
    for email, name, roles in DEMO_ACCOUNTS:
        await accounts.register(email, DEMO_PASSWORD, name, **roles)
        lines.append(f"{email} / {DEMO_PASSWORD}")
    return ["Demo accounts:", *lines]

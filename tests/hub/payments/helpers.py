"""Wallets, a priced charger with a booking on it, and the books read back, for the payment tests.

The charger: 11.04 kW (3 x 230 V x 16 A) at 0.25 EUR/kWh + 10 % VAT, so the hold of a one-hour booking is
11.04 kWh x 0.275 = 3.04 EUR, and a 5 kWh session costs 1.38 EUR (1.375 rounded half up).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
import uuid

from sqlalchemy import func, select

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.accounts import find_account
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.reconciliation import reconcile
from chargeshare_hub.ledger.tables import LedgerPosting
from chargeshare_hub.payments.service import Payments
from chargeshare_hub.payments.tables import PaymentHold
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, actor
from tests.hub.charging.helpers import charger, example_tariff, reserved

HOLD = 304
TOP_UPS = "/api/v1/wallet/top-ups"


@dataclass(frozen=True, slots=True)
class Setting:
    host: Actor
    driver: Actor
    location_id: str
    booking_id: str


def payments(client: Any) -> Payments:
    service: Payments = client.server.app[HUB].payments
    return service


def database(client: Any) -> Database:
    db: Database = client.server.app[HUB].db
    return db


async def top_up(client: Any, driver: Actor, amount: int, currency: str = "EUR") -> Any:
    response = await client.post(
        TOP_UPS,
        json={"amount": amount, "currency": currency},
        headers=driver.headers | {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def booked_charger(client: Any, *, wallet: int, tag: str = "TAG1") -> Setting:
    """A host's priced charger, a driver with `wallet` in their wallet, and their booking of the hour from
    SESSION_START (id tag `tag`)."""
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await charger(client, host, example_tariff("tariff_8_simple_025kwh.json"))
    if wallet:
        await top_up(client, driver, wallet)
    return Setting(host, driver, location_id, await reserved(client, driver, location_id, tag))


async def held(client: Any, booking_id: str) -> PaymentHold | None:
    async with database(client).read() as session:
        return await session.scalar(select(PaymentHold).where(PaymentHold.booking_id == booking_id))


async def holding_of(client: Any, kind: AccountKind, owner_id: int | None, currency: str = "EUR") -> int:
    async with database(client).read() as session:
        account = await find_account(session, kind, currency, owner_id)
        return 0 if account is None else await holding(session, account)


async def postings(client: Any, kind: str | None = None) -> int:
    query = select(func.count(LedgerPosting.id))
    if kind is not None:
        query = query.where(LedgerPosting.kind == kind)
    async with database(client).read() as session:
        return int(await session.scalar(query) or 0)


async def differences(client: Any) -> list[str]:
    async with database(client).read() as session:
        return [str(difference) for difference in (await reconcile(session)).differences]

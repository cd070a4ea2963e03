"""A host who is owed money, payout runs, and disputes opened and resolved over HTTP, for the payout tests.

`charged_session` is the payment tests' booked charger (tests/hub/payments/helpers.py) charged for 5 kWh: the
driver pays 1.38 EUR, of which the host earns 1.25 EUR and the platform keeps 0.13 EUR.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
import uuid

from sqlalchemy import select

from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.ledger.accounts import open_account
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import credit, debit, post
from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.payments.payout_tables import Payout
from chargeshare_hub.payments.payouts import Payouts
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock
from tests.hub.charging.helpers import end, start
from tests.hub.payments.helpers import booked_charger, database, payments

THRESHOLD = 100
CHARGED, EARNED = 138, 125
REASON = "The charger stopped after ten minutes."


@dataclass(frozen=True, slots=True)
class Charged:
    host: Actor
    driver: Actor
    cdr: Cdr


async def charged_session(client: Any, clock: Clock) -> Charged:
    """The driver's booked hour at the host's charger, held, charged and captured: the host is owed EARNED."""
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)
    await payments(client).sweep()
    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)
    return Charged(setting.host, setting.driver, cdr)


async def earned(client: Any, host_id: int, driver_id: int, amount: int, currency: str) -> None:
    """A charge posted straight to the ledger: the host earns `amount` (no fee) of what the driver owes."""
    async with database(client).write() as session:
        now = payouts(client).clock()
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, currency, driver_id, at=now)
        payable = await open_account(session, AccountKind.HOST_PAYABLE, currency, host_id, at=now)
        await post(session, [debit(receivable, amount), credit(payable, amount)], kind="session.charge", at=now)


def payouts(client: Any) -> Payouts:
    service: Payouts = client.server.app[HUB].payouts
    return service


async def paid_out(client: Any) -> list[Payout]:
    """Every payout, oldest first."""
    async with database(client).read() as session:
        return list(await session.scalars(select(Payout).order_by(Payout.created_at, Payout.host_id, Payout.currency)))


async def notices(client: Any, who: Actor) -> list[Notification]:
    async with database(client).read() as session:
        found = await session.scalars(
            select(Notification).where(Notification.user_id == who.user_id).order_by(Notification.id)
        )
        return list(found)


async def dispute(client: Any, who: Actor, cdr_id: str, reason: Any = REASON) -> Any:
    return await client.post(f"/api/v1/cdrs/{cdr_id}/disputes", json={"reason": reason}, headers=who.headers)


async def disputed(client: Any, who: Actor, cdr_id: str) -> dict[str, Any]:
    response = await dispute(client, who, cdr_id)
    assert response.status == 201, await response.text()
    opened: dict[str, Any] = await response.json()
    return opened


async def resolve(client: Any, who: Actor, dispute_id: str, body: dict[str, Any], key: str | None = None) -> Any:
    return await client.post(
        f"/api/v1/disputes/{dispute_id}/resolution",
        json=body,
        headers=who.headers | {"Idempotency-Key": key or str(uuid.uuid4())},
    )


async def resolved(client: Any, who: Actor, dispute_id: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await resolve(client, who, dispute_id, body)
    assert response.status == 200, await response.text()
    answer: dict[str, Any] = await response.json()
    return answer

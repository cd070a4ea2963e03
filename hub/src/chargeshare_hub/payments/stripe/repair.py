"""Repair by reconciliation with Stripe: a crash between a Stripe call and the commit of what it did leaves a
hold HELD in the hub that Stripe has moved on. Each HELD Stripe hold's PaymentIntent is read back, and

- canceled at Stripe (released, or expired uncaptured): the hold is RELEASED, nothing taken;
- captured at Stripe (`succeeded`) while the session's CDR is issued: the capture is settled now, by the same
  path as at the CDR (holds.py), whose Stripe call carries the same idempotency key and so captures nothing
  again;
- anything else is left as it is.

Each hold is repaired in a transaction of its own: the holds repaired before a failure stay repaired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...charging.tables import Cdr, ChargingSession
from ...db.engine import Database
from ..holds import Holds
from ..tables import HoldStatus, PaymentHold
from .provider import StripeProvider


@dataclass(frozen=True, slots=True)
class Repaired:
    released: int
    settled: int

    def __bool__(self) -> bool:
        return bool(self.released or self.settled)


async def repair_holds(db: Database, provider: StripeProvider, clock: Callable[[], datetime]) -> Repaired:
    """Brings the HELD Stripe holds in line with their PaymentIntents; how many were released and settled."""
    async with db.read() as session:
        held = (
            await session.execute(
                select(PaymentHold.id, PaymentHold.provider_reference)
                .where(
                    PaymentHold.status == HoldStatus.HELD,
                    PaymentHold.provider == provider.name,
                    PaymentHold.provider_reference.is_not(None),
                )
                .order_by(PaymentHold.id)
            )
        ).tuples()
    holds = Holds(provider, provider.rules)
    released = settled = 0
    for hold_id, intent_id in held:
        assert intent_id is not None  # selected so
        status = (await provider.gateway.retrieve(intent_id)).status
        if status not in ("canceled", "succeeded"):
            continue
        async with db.write() as session:
            hold = await session.scalar(
                select(PaymentHold)
                .where(PaymentHold.id == hold_id, PaymentHold.status == HoldStatus.HELD)
                .with_for_update()
            )
            if hold is None:  # settled meanwhile
                continue
            if status == "canceled":
                hold.status, hold.settled_at = HoldStatus.RELEASED, clock()
                released += 1
                continue
            cdr = await _cdr_of(session, hold)
            if cdr is not None:
                await holds.settle_cdr(session, cdr, clock())
                if hold.status == HoldStatus.CAPTURED:
                    settled += 1
    return Repaired(released, settled)


async def _cdr_of(session: AsyncSession, hold: PaymentHold) -> Cdr | None:
    """The CDR of the hold's booked session, if it is issued."""
    return await session.scalar(
        select(Cdr)
        .join(ChargingSession, ChargingSession.id == Cdr.session_id)
        .where(ChargingSession.booking_id == hold.booking_id, Cdr.credit.is_(False))
    )

"""What the hub does with Stripe's webhook events, each in a transaction of its own and idempotently (Stripe
sends an event at least once, in no guaranteed order):

- `payment_intent.canceled` of a HELD hold: Stripe released it (an uncaptured authorisation expires after 7 days),
  so the hold is RELEASED, nothing taken; `payment_intent.payment_failed` of a HELD hold: the same, the booking
  left as it is;
- `charge.dispute.created`: the driver's bank disputes a captured session, so the session's CDR gets an OPEN
  dispute (unless it has one) and the host's payouts wait, as for a driver's dispute; the dispute window, which
  bounds a driver's own disputes, does not bound their bank;
- anything else, and events about PaymentIntents the hub has no hold for, change nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ...charging.tables import Cdr
from ...db.engine import Database
from ...web.errors import ApiError
from ..disputes import open_dispute
from ..tables import HoldStatus, PaymentHold
from .events import DisputeCreated, IntentEvent, StripeEvent
from .objects import Dispute
from .webhooks import EventCallback

RELEASING = ("payment_intent.canceled", "payment_intent.payment_failed")


def event_handler(db: Database, clock: Callable[[], datetime]) -> EventCallback:
    """The `on_event` of the webhook endpoint (webhooks.py)."""

    async def on_event(event: StripeEvent) -> None:
        async with db.write() as session:
            if isinstance(event, IntentEvent) and event.type in RELEASING:
                await _release(session, event.intent.id, clock())
            elif isinstance(event, DisputeCreated) and event.dispute.payment_intent is not None:
                await _dispute(session, event.dispute, event.dispute.payment_intent, clock())

    return on_event


async def _release(session: AsyncSession, intent_id: str, now: datetime) -> None:
    hold = await session.scalar(
        select(PaymentHold)
        .where(PaymentHold.provider_reference == intent_id, PaymentHold.status == HoldStatus.HELD)
        .with_for_update()
    )
    if hold is not None:
        hold.status, hold.settled_at = HoldStatus.RELEASED, now


async def _dispute(session: AsyncSession, dispute: Dispute, intent_id: str, now: datetime) -> None:
    cdr = await session.scalar(
        select(Cdr).join(PaymentHold, PaymentHold.cdr_id == Cdr.id).where(PaymentHold.provider_reference == intent_id)
    )
    if cdr is None or cdr.driver_id is None:
        return
    reason = f"The driver's bank disputes the card payment ({dispute.reason}; Stripe dispute {dispute.id})."
    try:
        await open_dispute(session, cdr, cdr.driver_id, reason, now)
    except ApiError as refusal:
        if refusal.code != "dispute_open":  # one open already: this event, again, or the driver's own
            raise

"""For the charging side: which booking an id tag presented at a charger stands for, and fulfilling it.

A booking's id tag opens its charger from `early_start_time` minutes before the slot (when the terms allow an
early start) until the slot ends, or until start + `noshow_timeout` when that is later.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .lifecycle import Status, transition
from .reads import load_terms
from .tables import Booking


async def booking_for_id_tag(session: AsyncSession, id_tag: str, at: datetime) -> Booking | None:
    """The RESERVED booking with this tag whose window contains `at`, else None."""
    booking = await session.scalar(
        select(Booking).where(Booking.id_tag == id_tag, Booking.reservation_status == Status.RESERVED)
    )
    if booking is None:
        return None
    terms = await load_terms(session, booking.location_id)
    early = timedelta(minutes=terms.early_start_time if terms.early_start_allowed else 0)
    grace_end = max(booking.ends_at, booking.starts_at + timedelta(minutes=terms.noshow_timeout))
    return booking if booking.starts_at - early <= at < grace_end else None


async def mark_fulfilled(session: AsyncSession, booking: Booking, at: datetime) -> None:
    """A session started on the booking: RESERVED becomes FULFILLED (TransitionError from any other status)."""
    transition(booking, Status.FULFILLED, at)
    await session.flush()

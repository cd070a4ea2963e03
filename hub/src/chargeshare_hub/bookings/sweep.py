"""What the clock decides: unanswered requests fail at their deadline, unused reserved slots become NO_SHOW.

A reserved slot is a no-show when no session took it (see `lookup.mark_fulfilled`) by its start plus the
terms' `noshow_timeout`, or by its end if that comes first. Rows are locked and skipped when another hub
instance is sweeping them, so each transition and fee is written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..link import booking_messages
from ..listings.tables import Location
from ..waitlist.offers import offer_freed_slot
from . import fees, notices
from .lifecycle import RequestStatus, Status, transition
from .reads import load_terms
from .tables import Booking, BookingRequest


@dataclass(frozen=True, slots=True)
class Swept:
    failed_requests: int
    failed_bookings: int
    no_shows: int

    def __bool__(self) -> bool:
        """Whether the sweep changed anything (worth a line in the log)."""
        return bool(self.failed_requests or self.failed_bookings or self.no_shows)


async def sweep(session: AsyncSession, now: datetime) -> Swept:
    expired = await session.scalars(
        select(BookingRequest)
        .where(BookingRequest.request_status == RequestStatus.PENDING, BookingRequest.respond_by <= now)
        .with_for_update(skip_locked=True)
    )
    failed = list(expired)
    for request in failed:
        request.request_status, request.respond_by, request.answered_at = RequestStatus.FAILED, None, now
    pending = await session.scalars(
        select(Booking)
        .where(Booking.reservation_status == Status.PENDING, Booking.respond_by <= now)
        .with_for_update(skip_locked=True)
    )
    failed_bookings = 0
    for booking in pending:
        transition(booking, Status.FAILED, now)
        await offer_freed_slot(session, booking, now)
        failed_bookings += 1
    await notices.requests_expired(session, failed)
    await booking_messages.requests_expired(session, failed, now)
    return Swept(len(failed), failed_bookings, await _no_shows(session, now))


async def _no_shows(session: AsyncSession, now: datetime) -> int:
    started = await session.execute(
        select(Booking, Location)
        .join(Location, Location.id == Booking.location_id)
        .where(Booking.reservation_status == Status.RESERVED, Booking.starts_at <= now)
        .with_for_update(of=Booking, skip_locked=True)
    )
    count = 0
    for booking, location in started.tuples():
        terms = await load_terms(session, location.id)
        if now < min(booking.starts_at + timedelta(minutes=terms.noshow_timeout), booking.ends_at):
            continue
        transition(booking, Status.NO_SHOW, now)
        if terms.noshow_fee:
            await fees.charge_expiry_fee(session, booking, location, fees.FeeKind.NO_SHOW_FEE, now)
        await notices.no_show(session, booking, location)
        await booking_messages.no_show(session, booking, now)
        await offer_freed_slot(session, booking, now)
        count += 1
    await session.flush()
    return count

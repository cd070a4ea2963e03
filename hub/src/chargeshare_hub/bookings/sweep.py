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

from ..listings.tables import Location
from . import fees
from .lifecycle import RequestStatus, Status, transition
from .reads import load_terms
from .tables import Booking, BookingRequest


@dataclass(frozen=True, slots=True)
class Swept:
    failed_requests: int
    failed_bookings: int
    no_shows: int


async def sweep(session: AsyncSession, now: datetime) -> Swept:
    expired = await session.scalars(
        select(BookingRequest)
        .where(BookingRequest.request_status == RequestStatus.PENDING, BookingRequest.respond_by <= now)
        .with_for_update(skip_locked=True)
    )
    failed_requests = 0
    for request in expired:
        request.request_status, request.respond_by, request.answered_at = RequestStatus.FAILED, None, now
        failed_requests += 1
    pending = await session.scalars(
        select(Booking)
        .where(Booking.reservation_status == Status.PENDING, Booking.respond_by <= now)
        .with_for_update(skip_locked=True)
    )
    failed_bookings = 0
    for booking in pending:
        transition(booking, Status.FAILED, now)
        failed_bookings += 1
    return Swept(failed_requests, failed_bookings, await _no_shows(session, now))


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
        count += 1
    await session.flush()
    return count

"""Reading what bookings are checked against and shown with: terms, opening hours, requests and fees."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.tables import Evse, ExceptionalPeriod, Location, RegularHours
from .ocpi_json import BookingView
from .periods import Hours
from .tables import Booking, BookingCharge, BookingRequest, BookingTermsRow
from .terms import Terms


async def load_terms(session: AsyncSession, location_id: str) -> Terms:
    return Terms.of(await session.get(BookingTermsRow, location_id))


async def load_hours(session: AsyncSession, location: Location) -> Hours:
    # Weekly windows count only at a listing that is not always open (see `open_throughout`): most are.
    regular: list[RegularHours] = []
    if location.twentyfourseven is False:
        regular = list(await session.scalars(_REGULAR_HOURS, {"location_id": location.id}))
    exceptions = await session.scalars(_EXCEPTIONAL_PERIODS, {"location_id": location.id})
    return Hours(location, regular, list(exceptions))


# Built once, as every booking reads them: a statement's cache key is worked out per statement object.
_REGULAR_HOURS = select(RegularHours).where(RegularHours.location_id == bindparam("location_id"))
_EXCEPTIONAL_PERIODS = select(ExceptionalPeriod).where(ExceptionalPeriod.location_id == bindparam("location_id"))


async def load_views(session: AsyncSession, bookings: Sequence[Booking]) -> list[BookingView]:
    """Each booking with its location, EVSE uid, terms, requests and fees: a query per kind, not per booking."""
    if not bookings:
        return []
    booking_ids = [booking.id for booking in bookings]
    location_ids = {booking.location_id for booking in bookings}
    locations = {
        location.id: location
        for location in await session.scalars(select(Location).where(Location.id.in_(location_ids)))
    }
    terms = {
        row.location_id: Terms.of(row)
        for row in await session.scalars(select(BookingTermsRow).where(BookingTermsRow.location_id.in_(location_ids)))
    }
    evse_ids = {booking.evse_row_id for booking in bookings}
    found_evses = await session.execute(select(Evse.id, Evse.uid).where(Evse.id.in_(evse_ids)))
    evse_uids = dict(found_evses.tuples().all())
    views = {
        booking.id: BookingView(
            booking,
            locations[booking.location_id],
            evse_uids[booking.evse_row_id],
            terms.get(booking.location_id, Terms()),
        )
        for booking in bookings
    }
    requests = await session.scalars(
        select(BookingRequest).where(BookingRequest.booking_id.in_(booking_ids)).order_by(BookingRequest.id)
    )
    for request in requests:
        views[request.booking_id].requests.append(request)
    charges = await session.scalars(
        select(BookingCharge).where(BookingCharge.booking_id.in_(booking_ids)).order_by(BookingCharge.id)
    )
    for charge in charges:
        views[charge.booking_id].charges.append(charge)
    return list(views.values())

"""Who may write and read which review.

Writing: only the driver and the host of a FULFILLED booking, each once per booking (the driver's review is
DRIVER, the host's HOST). Reading: a driver's review is public with its listing; a host's review of a driver is
for that driver, admins, and hosts the driver has booked with or asked to book with (any booking at their
listings, whatever its status), so that a host can judge a request. To anyone else a review, a booking or a
driver's reviews look like nothing at all (404).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.tables import Booking
from ..listings.service import Listings
from ..listings.tables import Location
from ..web.errors import ApiError, forbidden, not_found
from .scores import DRIVER, HOST
from .tables import Review


async def booking_party(session: AsyncSession, principal: Principal, booking_id: str) -> tuple[Booking, Location, str]:
    """The booking, its listing and the principal's side of it (DRIVER or HOST)."""
    booking = await session.get(Booking, booking_id)
    location = None if booking is None else await session.get(Location, booking.location_id)
    if booking is None or location is None:
        raise not_found("booking")
    if booking.driver_id == principal.user_id:
        return booking, location, DRIVER
    if location.host_id == principal.user_id:
        return booking, location, HOST
    if principal.is_admin:
        raise forbidden("Only the driver and the host of a booking review it.")
    raise not_found("booking")


async def hosts_driver(session: AsyncSession, host_id: int, driver_id: int) -> bool:
    """Whether the driver has (or asked for) a booking at one of the host's listings."""
    booked = exists().where(
        Booking.driver_id == driver_id, Booking.location_id == Location.id, Location.host_id == host_id
    )
    return bool(await session.scalar(select(booked)))


async def may_read_driver_reviews(session: AsyncSession, principal: Principal, driver_id: int) -> bool:
    if principal.is_admin or principal.user_id == driver_id:
        return True
    return await hosts_driver(session, principal.user_id, driver_id)


async def may_read(
    session: AsyncSession, principal: Principal | None, review: Review, *, stale_before: datetime
) -> bool:
    """`stale_before`: the reviews of a listing confirmed earlier are hidden with it (see `listings.health`)."""
    if principal is not None and (principal.is_admin or principal.user_id in (review.author_id, review.subject_id)):
        return True
    if review.author_role == DRIVER:
        try:
            await Listings.visible(session, principal, review.location_id, stale_before=stale_before)
        except ApiError:
            return False
        return True
    return principal is not None and await hosts_driver(session, principal.user_id, review.subject_id)


async def readable_review(
    session: AsyncSession, principal: Principal | None, review_id: int, *, stale_before: datetime
) -> Review:
    review = await session.get(Review, review_id)
    if review is None or not await may_read(session, principal, review, stale_before=stale_before):
        raise not_found("review")
    return review


async def refused(
    session: AsyncSession, principal: Principal, review: Review, message: str, *, stale_before: datetime
) -> ApiError:
    """The refusal of a change by someone who may not make it: 403 if they may read the review, else 404."""
    readable = await may_read(session, principal, review, stale_before=stale_before)
    return forbidden(message) if readable else not_found("review")

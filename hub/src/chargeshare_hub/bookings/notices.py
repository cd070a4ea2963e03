"""What a booking's driver and host are told, and when: each notice is written in the transaction of the
change it tells about (for new bookings, in the group commit's, a few statements for the whole group)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.tables import Location
from ..notifications.inbox import Notice, notify, notify_many
from ..tariffs.money import minor_unit_exponent
from .fees import FeeKind
from .lifecycle import Status
from .tables import Booking, BookingCharge, BookingRequest


def booking_link(booking_id: str) -> str:
    return f"/bookings/{booking_id}"


async def new_bookings(session: AsyncSession, bookings: list[Booking]) -> None:
    """The host of each: a request to answer, or an instant booking to know about."""
    wanted = {booking.location_id for booking in bookings}
    locations = {row.id: row for row in await session.scalars(select(Location).where(Location.id.in_(wanted)))}
    notices = []
    for booking in bookings:
        location = locations[booking.location_id]
        title = listing_title(location)
        when = local_slot(booking.starts_at, booking.ends_at, location)
        if booking.reservation_status == Status.PENDING:
            notices.append(
                Notice(
                    location.host_id,
                    "booking.requested",
                    f"Booking request for {title}",
                    f"A driver asks to book {title} on {when}. Accept or decline it on the hub"
                    f" by {_local(booking.respond_by or booking.starts_at, location)}.",
                    booking_link(booking.id),
                )
            )
        else:
            notices.append(
                Notice(
                    location.host_id,
                    "booking.created",
                    f"New booking at {title}",
                    f"A driver booked {title} on {when}.",
                    booking_link(booking.id),
                )
            )
    await notify_many(session, notices)


async def answered(
    session: AsyncSession, booking: Booking, location: Location, *, accepted: bool, change: bool
) -> None:
    """The driver: the host's answer to a booking request or to a change."""
    when = local_slot(booking.starts_at, booking.ends_at, location)
    if change:
        kind, subject, body = (
            ("booking.change_accepted", "Booking moved", f"The host accepted the change: you now have {when}.")
            if accepted
            else ("booking.change_declined", "Change declined", f"The host declined the change; you keep {when}.")
        )
    else:
        kind, subject, body = (
            ("booking.accepted", "Booking confirmed", f"The host accepted your booking on {when}.")
            if accepted
            else ("booking.declined", "Booking declined", f"The host declined your booking request for {when}.")
        )
    await notify(
        session,
        booking.driver_id,
        kind=kind,
        subject=f"{subject}: {listing_title(location)}",
        body=body,
        link=booking_link(booking.id),
    )


async def changed(
    session: AsyncSession, booking: Booking, location: Location, request: BookingRequest, *, waiting: bool
) -> None:
    """The host: a change to answer, or a booking that moved at once."""
    when = local_slot(request.starts_at, request.ends_at, location)
    if waiting:
        await notify(
            session,
            location.host_id,
            kind="booking.change_requested",
            subject=f"Change requested: {listing_title(location)}",
            body=f"A driver asks to move their booking to {when}. Accept or decline it on the hub.",
            link=booking_link(booking.id),
        )
    else:
        await notify(
            session,
            location.host_id,
            kind="booking.changed",
            subject=f"Booking moved: {listing_title(location)}",
            body=f"A driver moved their booking to {when}.",
            link=booking_link(booking.id),
        )


async def canceled(session: AsyncSession, booking: Booking, location: Location, *, by_driver: bool) -> None:
    """The other party of a cancellation."""
    when = local_slot(booking.starts_at, booking.ends_at, location)
    if by_driver:
        user_id, body = location.host_id, f"The driver canceled the booking of {listing_title(location)} on {when}."
    else:
        user_id, body = booking.driver_id, f"The host canceled your booking of {listing_title(location)} on {when}."
    await notify(
        session,
        user_id,
        kind="booking.canceled",
        subject=f"Booking canceled: {listing_title(location)}",
        body=body,
        link=booking_link(booking.id),
    )


async def requests_expired(session: AsyncSession, requests: Iterable[BookingRequest]) -> None:
    """The driver of each request the host let run out: a booking that failed, or a change that did not happen."""
    for request in requests:
        booking = await session.get(Booking, request.booking_id)
        location = None if booking is None else await session.get(Location, booking.location_id)
        if booking is None or location is None:
            continue
        if booking.reservation_status != Status.RESERVED:
            asked = local_slot(request.starts_at, request.ends_at, location)
            kind, subject = "booking.expired", f"No answer: {listing_title(location)}"
            body = f"The host did not answer your booking request for {asked} in time."
        else:
            kept = local_slot(booking.starts_at, booking.ends_at, location)
            kind, subject = "booking.change_expired", f"Change not answered: {listing_title(location)}"
            body = f"The host did not answer your change in time; you keep {kept}."
        await notify(session, booking.driver_id, kind=kind, subject=subject, body=body, link=booking_link(booking.id))


async def no_show(session: AsyncSession, booking: Booking, location: Location) -> None:
    """The driver of a slot nobody used, with the no-show fee it cost."""
    fees = (
        await session.execute(
            select(BookingCharge.amount_minor, BookingCharge.currency).where(
                BookingCharge.booking_id == booking.id, BookingCharge.kind == FeeKind.NO_SHOW_FEE
            )
        )
    ).tuples()
    charged = "".join(f" A no-show fee of {_money(amount, currency)} is charged." for amount, currency in fees)
    await notify(
        session,
        booking.driver_id,
        kind="booking.no_show",
        subject=f"Missed booking: {listing_title(location)}",
        body=f"No charging session used your booking of {listing_title(location)} on"
        f" {local_slot(booking.starts_at, booking.ends_at, location)}.{charged}",
        link=booking_link(booking.id),
    )


def listing_title(location: Location) -> str:
    return location.name or location.address


def local_slot(start: datetime, end: datetime, location: Location) -> str:
    """The slot in the charger's local time, as its host and driver read a clock there."""
    zone = ZoneInfo(location.time_zone)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    until = f"{local_end:%H:%M}" if local_end.date() == local_start.date() else f"{local_end:%a %d %b %Y, %H:%M}"
    return f"{local_start:%a %d %b %Y, %H:%M} to {until} ({location.time_zone})"


def _local(moment: datetime, location: Location) -> str:
    return f"{moment.astimezone(ZoneInfo(location.time_zone)):%a %d %b %Y, %H:%M}"


def _money(amount_minor: int, currency: str) -> str:
    return f"{Decimal(amount_minor).scaleb(-minor_unit_exponent(currency)):f} {currency}"

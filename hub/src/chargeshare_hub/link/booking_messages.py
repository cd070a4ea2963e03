"""The down messages about bookings, written next to the notices (`bookings.notices`) in the transaction of each
transition: the host's Home Assistant keeps the charger's calendar and id tag windows from them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from ..bookings.lifecycle import Status
from ..bookings.ocpi_json import BookingView, booking_json
from ..bookings.reads import load_views
from ..bookings.tables import Booking, BookingRequest
from ..listings.tables import Location
from .outbox import has_paired, send_down

REQUESTED = "booking.requested"
RESERVED = "booking.reserved"
CHANGED = "booking.changed"
CANCELLED = "booking.cancelled"
# What opens the charger: never sent while the host has not accepted the booking.
_ACCESS_FIELDS = ("id_tag", "access_methods", "authorization_reference", "booking_tokens")
# The hub's own bookkeeping, of no use at the charger.
_HUB_FIELDS = ("driver_id", "charges", "qr_link")


async def new_bookings(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    """The messages of a group of new bookings (a group commit's): a query per kind for the whole group, not per
    booking, and none beyond the hosts' when no host of them has paired a Home Assistant."""
    wanted = {booking.location_id for booking in bookings}
    found = await session.execute(select(Location.id, Location.host_id).where(Location.id.in_(wanted)))
    hosts = dict(found.tuples().all())
    paired = [booking for booking in bookings if await has_paired(session, hosts[booking.location_id])]
    if not paired:
        return
    drivers = {booking.driver_id for booking in paired}
    named = await session.execute(select(User.id, User.name).where(User.id.in_(drivers)))
    names = dict(named.tuples().all())
    for view in await load_views(session, paired):
        booking = view.booking
        kind = REQUESTED if booking.reservation_status == Status.PENDING else RESERVED
        payload = booking_payload(view, driver_name=names.get(booking.driver_id))
        await send_down(session, view.location.host_id, kind, payload, booking.created_at)


async def answered(session: AsyncSession, booking: Booking, now: datetime, *, accepted: bool, change: bool) -> None:
    """Accepted: reserved, or moved. Declined: a request is gone; a change declined leaves the booking as it was,
    which the calendar is told so that it drops the change it was asked about."""
    if accepted and not change:
        await _send_booking(session, booking, RESERVED, now)
    elif change:
        await _send_booking(session, booking, CHANGED, now)
    else:
        await _cancelled(session, booking, "DECLINED", now)


async def changed(session: AsyncSession, booking: Booking, now: datetime, *, waiting: bool) -> None:
    """A change waiting for the host is a request to answer; one made at once moves the booking."""
    await _send_booking(session, booking, REQUESTED if waiting else CHANGED, now)


async def canceled(session: AsyncSession, booking: Booking, now: datetime) -> None:
    await _cancelled(session, booking, booking.cancellation_reason or "UNKNOWN", now)


async def requests_expired(session: AsyncSession, requests: Iterable[BookingRequest], now: datetime) -> None:
    for request in requests:
        booking = await session.get(Booking, request.booking_id)
        if booking is None:
            continue
        if booking.reservation_status == Status.RESERVED:  # a change not answered: the booking stays as it is
            await _send_booking(session, booking, CHANGED, now)
        else:
            await _cancelled(session, booking, "EXPIRED", now)


async def no_show(session: AsyncSession, booking: Booking, now: datetime) -> None:
    await _cancelled(session, booking, "NO_SHOW", now)


def booking_payload(view: BookingView, *, driver_name: str | None) -> dict[str, Any]:
    """The OCPI 2.3 Booking, with the terms' id tag window spelled out (0: not allowed by the terms)."""
    document = booking_json(view, base_url="")
    hidden = _HUB_FIELDS + (_ACCESS_FIELDS if view.booking.reservation_status == Status.PENDING else ())
    for name in hidden:
        document.pop(name, None)
    document["early_start_time"] = view.terms.early_start_time if view.terms.early_start_allowed else 0
    document["late_stop_time"] = view.terms.late_stop_time if view.terms.late_stop_allowed else 0
    if driver_name is not None:
        document["driver_name"] = driver_name
    return document


async def _send_booking(session: AsyncSession, booking: Booking, kind: str, now: datetime) -> None:
    host_id = await _host_of(session, booking)
    if not await has_paired(session, host_id):  # before building the payload: most hosts have no Home Assistant
        return
    view = (await load_views(session, [booking]))[0]
    driver_name = await session.scalar(select(User.name).where(User.id == booking.driver_id))
    await send_down(session, host_id, kind, booking_payload(view, driver_name=driver_name), now)


async def _cancelled(session: AsyncSession, booking: Booking, reason: str, now: datetime) -> None:
    host_id = await _host_of(session, booking)
    await send_down(session, host_id, CANCELLED, {"booking_id": booking.id, "reason": reason}, now)


async def _host_of(session: AsyncSession, booking: Booking) -> int:
    host_id = await session.scalar(select(Location.host_id).where(Location.id == booking.location_id))
    assert host_id is not None
    return host_id

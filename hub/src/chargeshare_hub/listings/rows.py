"""Between a checked listing and its rows: writing them (all at once, replacing the old) and reading them back."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from ..bookings.tables import Booking
from ..web.errors import bad_request, conflict
from .ocpi_json import LoadedListing
from .tables import Connector, Evse, ExceptionalPeriod, Location, LocationInvite, Photo, RegularHours
from .validation import ValidListing

_OPTIONAL_TEXTS = ("name", "postal_code", "state", "parking_type", "access_instructions", "house_rules")


async def invited_user_ids(session: AsyncSession, invitees: Sequence[str | int]) -> list[int]:
    """The accounts named by email address or account id; an unknown one is refused by its position."""
    ids: list[int] = []
    for index, invitee in enumerate(invitees):
        text = str(invitee).strip()
        condition = User.id == int(text) if text.isdigit() else User.email == text.lower()
        user_id = await session.scalar(select(User.id).where(condition))
        if user_id is None:
            raise bad_request("unknown_account", f"No account {text!r} to invite.", f"publish_allowed_to[{index}]")
        if user_id not in ids:
            ids.append(user_id)
    return ids


async def write_listing(
    session: AsyncSession, location: Location, listing: ValidListing, invitee_ids: list[int], now: datetime
) -> None:
    """Sets the location's fields and replaces its EVSEs, connectors, invitations and hours (photos stay)."""
    fields = listing.fields
    location.publish = fields.get("publish", False)
    for name in _OPTIONAL_TEXTS:
        setattr(location, name, fields.get(name))
    location.address = fields["address"]
    location.city = fields["city"]
    location.country = fields["country"]
    location.latitude = fields["coordinates"]["latitude"]
    location.longitude = fields["coordinates"]["longitude"]
    location.facilities = fields.get("facilities", [])
    location.directions = fields.get("directions", [])
    location.operator = fields.get("operator")
    location.time_zone = fields["time_zone"]
    opening_times = fields.get("opening_times")
    location.twentyfourseven = None if opening_times is None else opening_times["twentyfourseven"]
    location.charging_when_closed = fields.get("charging_when_closed")
    location.energy_mix = fields.get("energy_mix")
    location.last_updated = now
    confirm_availability(location, now)  # a host who rewrites the listing stands behind it
    session.add(location)
    await session.flush()
    kept_evses = await _clear_children(session, location.id)
    for position, evse_fields in enumerate(fields.get("evses", [])):
        evse = kept_evses.pop(evse_fields["uid"], None) or Evse(location_id=location.id, uid=evse_fields["uid"])
        await _write_evse(session, evse, position, evse_fields, now)
    for left_out in kept_evses.values():
        await _delete_unbooked(session, left_out)
    session.add_all(LocationInvite(location_id=location.id, user_id=user_id) for user_id in invitee_ids)
    session.add_all(
        RegularHours(location_id=location.id, weekday=hours["weekday"], period_begin=hours["period_begin"],
                     period_end=hours["period_end"])
        for hours in (opening_times or {}).get("regular_hours", [])
    )  # fmt: skip
    session.add_all(
        ExceptionalPeriod(location_id=location.id, is_opening=period.is_opening, period_begin=period.begin,
                          period_end=period.end)
        for period in listing.exceptional_periods
    )  # fmt: skip


def confirm_availability(location: Location, now: datetime) -> None:
    location.availability_confirmed_at = now
    location.stale_reminder_sent_at = None  # the next time it grows old, the host is reminded again


def set_status(evse: Evse, status: str, now: datetime, *, live: bool) -> None:
    """The one way an EVSE's status is written: with when, and whether it is live (see `health`)."""
    evse.status = status
    evse.status_updated_at = now
    evse.status_live = live
    evse.last_updated = now


async def _clear_children(session: AsyncSession, location_id: str) -> dict[str, Evse]:
    """Deletes the children a listing is rewritten with; returns the EVSEs by uid, which are kept and updated
    because bookings and sessions refer to their rows."""
    evse_ids = select(Evse.id).where(Evse.location_id == location_id).scalar_subquery()
    await session.execute(delete(Connector).where(Connector.evse_row_id.in_(evse_ids)))
    for table in (LocationInvite, RegularHours, ExceptionalPeriod):
        await session.execute(delete(table).where(table.location_id == location_id))
    return {evse.uid: evse for evse in await session.scalars(select(Evse).where(Evse.location_id == location_id))}


async def _delete_unbooked(session: AsyncSession, evse: Evse) -> None:
    """Bookings keep an EVSE's row: a host retires a booked EVSE with status REMOVED (as OCPI does), never by
    leaving it out, which would take its bookings with it."""
    if await session.scalar(select(Booking.id).where(Booking.evse_row_id == evse.id).limit(1)) is not None:
        message = f"EVSE {evse.uid} has bookings: keep it with status REMOVED instead of leaving it out."
        raise conflict("evse_booked", message, "evses")
    await session.delete(evse)


async def _write_evse(session: AsyncSession, evse: Evse, position: int, fields: dict[str, Any], now: datetime) -> None:
    evse.position = position
    evse.evse_id = fields.get("evse_id")
    set_status(evse, fields["status"], now, live=False)
    evse.capabilities = fields.get("capabilities", [])
    evse.floor_level = fields.get("floor_level")
    evse.physical_reference = fields.get("physical_reference")
    evse.parking_restrictions = fields.get("parking_restrictions", [])
    evse.directions = fields.get("directions", [])
    evse.last_updated = now
    session.add(evse)
    await session.flush()
    session.add_all(
        Connector(
            evse_row_id=evse.id,
            position=index,
            connector_id=connector["id"],
            standard=connector["standard"],
            format=connector["format"],
            power_type=connector["power_type"],
            max_voltage=connector["max_voltage"],
            max_amperage=connector["max_amperage"],
            max_electric_power=connector.get("max_electric_power"),
            tariff_ids=connector.get("tariff_ids", []),
            terms_and_conditions=connector.get("terms_and_conditions"),
            last_updated=now,
        )
        for index, connector in enumerate(fields["connectors"])
    )


async def load_listing(session: AsyncSession, location: Location) -> LoadedListing:
    listing = LoadedListing(location)
    evses = list(await session.scalars(select(Evse).where(Evse.location_id == location.id).order_by(Evse.position)))
    connectors = list(
        await session.scalars(
            select(Connector)
            .where(Connector.evse_row_id.in_([evse.id for evse in evses]))
            .order_by(Connector.evse_row_id, Connector.position)
        )
    )
    listing.evses = [(evse, [c for c in connectors if c.evse_row_id == evse.id]) for evse in evses]
    listing.invited_emails = list(
        await session.scalars(
            select(User.email)
            .join(LocationInvite, LocationInvite.user_id == User.id)
            .where(LocationInvite.location_id == location.id)
            .order_by(User.email)
        )
    )
    listing.regular_hours = list(
        await session.scalars(
            select(RegularHours).where(RegularHours.location_id == location.id).order_by(RegularHours.id)
        )
    )
    listing.exceptional_periods = list(
        await session.scalars(
            select(ExceptionalPeriod)
            .where(ExceptionalPeriod.location_id == location.id)
            .order_by(ExceptionalPeriod.period_begin)
        )
    )
    listing.photos = list(
        await session.scalars(
            select(Photo).where(Photo.location_id == location.id).order_by(Photo.created_at, Photo.id)
        )
    )
    return listing

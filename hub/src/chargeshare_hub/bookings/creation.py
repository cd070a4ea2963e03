"""Making a booking: everything checked on one read session, then its rows handed to the group commit.

What a booking needs is read in a few queries: the listing, its terms and hours, then its EVSEs together with
whether each is free and its connector's tariff ids, then those tariffs. Checking first and writing afterwards
can race with another booking; the database refuses the overlap (see `guard`), and a driver who named no EVSE
gets the next free one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
import secrets
from typing import Any
import uuid

from sqlalchemy import BindParameter, Select, String, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..db.base import UtcDateTime
from ..listings.service import Listings
from ..listings.tables import Evse, Location
from ..tariffs import Tariff
from ..web.errors import bad_request, conflict, forbidden, not_found
from . import fees
from .group_commit import NewBooking
from .guard import overlap, slot_taken
from .lifecycle import RequestStatus, Status
from .periods import check_period
from .reads import load_hours, load_terms
from .tables import Booking, BookingCharge, BookingRequest
from .terms import HOST_APPROVAL, Terms

NOT_BOOKABLE = frozenset({"OUTOFORDER", "INOPERATIVE", "REMOVED", "PLANNED"})
ID_TAG_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read off a screen, typed at a charger
ID_TAG_PREFIX = "CS"
ID_TAG_RANDOM = 18  # 90 bits; with the prefix, OCPP 1.6's CiString20 fits


def new_id_tag() -> str:
    # One read of the system's randomness, not one per character; 32 letters divide 256, so none is likelier.
    letters = len(ID_TAG_ALPHABET)
    return ID_TAG_PREFIX + "".join(ID_TAG_ALPHABET[byte % letters] for byte in secrets.token_bytes(ID_TAG_RANDOM))


@dataclass(frozen=True, slots=True)
class Candidate:
    """An EVSE to try, free when read, with the tariff its booking fee comes from (None: no fee)."""

    row_id: int
    uid: str
    tariff: Tariff | None


@dataclass(frozen=True, slots=True)
class Plan:
    """A checked request: where, under which terms, and the EVSEs to try in order."""

    location: Location
    terms: Terms
    evses: list[Candidate]


async def plan_booking(
    session: AsyncSession,
    principal: Principal,
    body: dict[str, Any],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    stale_before: datetime,
) -> Plan:
    """`stale_before`: a listing confirmed earlier is hidden, so it cannot be booked (see `listings.health`)."""
    location = await Listings.visible(session, principal, body["location_id"], stale_before=stale_before)
    if location.removed_at is not None:
        raise not_found("listing")
    if location.host_id == principal.user_id:
        raise forbidden("You cannot book your own charger.")
    terms = await load_terms(session, location.id)
    check_period(terms, await load_hours(session, location), start, end, now)
    return Plan(location, terms, await _evses(session, location, body, start, end))


def evses_queries() -> dict[bool, Select[Any]]:
    """A listing's EVSEs in the host's order (or only the one named by `evse_uid`), each with `taken`, whether a
    booking holds part of [start, end), and the booked connector's `tariff_ids` (None: no such connector); keyed
    by whether the request names the connector."""

    def query(connector_id: BindParameter[str] | None) -> Select[Any]:
        evse_uid = bindparam("evse_uid", type_=String)
        start, end = bindparam("start", type_=UtcDateTime), bindparam("end", type_=UtcDateTime)
        return (
            select(
                Evse.id,
                Evse.uid,
                Evse.status,
                overlap(Evse.id, start, end).label("taken"),
                fees.connector_tariff_ids(Evse.id, connector_id).scalar_subquery().label("tariff_ids"),
            )
            .where(Evse.location_id == bindparam("location_id"), or_(evse_uid.is_(None), Evse.uid == evse_uid))
            .order_by(Evse.position)
        )

    return {False: query(None), True: query(bindparam("connector_id", type_=String))}


# Built once, not per booking: SQLAlchemy works out a statement's cache key per statement object, at a cost.
EVSES = evses_queries()


async def _evses(
    session: AsyncSession, location: Location, body: dict[str, Any], start: datetime, end: datetime
) -> list[Candidate]:
    connector_id, evse_uid = body.get("connector_id"), body.get("evse_uid")
    if connector_id is not None and evse_uid is None:
        raise bad_request("invalid", "Name the EVSE of the connector.", "evse_uid")
    found = await (await session.connection()).execute(
        EVSES[connector_id is not None],
        {"location_id": location.id, "evse_uid": evse_uid, "connector_id": connector_id, "start": start, "end": end},
    )
    rows = found.all()
    if evse_uid is not None:
        if not rows:
            raise bad_request("unknown_evse", "The listing has no such EVSE.", "evse_uid")
        if rows[0].status in NOT_BOOKABLE:
            raise conflict("not_bookable", f"This EVSE is {rows[0].status} and cannot be booked.", "evse_uid")
        if connector_id is not None and rows[0].tariff_ids is None:
            raise bad_request("unknown_connector", "The EVSE has no such connector.", "connector_id")
    else:
        rows = [row for row in rows if row.status not in NOT_BOOKABLE]
        if not rows:
            raise conflict("not_bookable", "No charger of this listing can be booked.", "location_id")
    free = [row for row in rows if not row.taken]
    if not free:
        raise slot_taken()
    tariff_ids = [row.tariff_ids or [] for row in free]
    usable = await fees.host_tariffs(session, (t for ids in tariff_ids for t in ids), location.host_id)
    return [
        Candidate(row.id, row.uid, fees.first_tariff(ids, usable)) for row, ids in zip(free, tariff_ids, strict=True)
    ]


def new_booking(
    plan: Plan,
    evse: Candidate,
    principal: Principal,
    body: dict[str, Any],
    *,
    start: datetime,
    end: datetime,
    now: datetime,
) -> NewBooking:
    instant = plan.terms.approval != HOST_APPROVAL
    respond_by = None if instant else plan.terms.respond_by(now, start)
    booking = Booking(
        id=str(uuid.uuid4()),
        request_id=str(uuid.uuid4()),
        location_id=plan.location.id,
        evse_row_id=evse.row_id,
        connector_id=body.get("connector_id"),
        driver_id=principal.user_id,
        starts_at=start,
        ends_at=end,
        reservation_status=Status.RESERVED if instant else Status.PENDING,
        id_tag=new_id_tag(),
        respond_by=respond_by,
        created_at=now,
        last_updated=now,
    )
    request = BookingRequest(
        booking_id=booking.id,
        request_status=RequestStatus.ACCEPTED if instant else RequestStatus.PENDING,
        starts_at=start,
        ends_at=end,
        request_received=now,
        respond_by=respond_by,
        answered_at=now if instant else None,
    )
    return NewBooking(booking, request, _booking_fee(booking, evse.tariff, plan.location.time_zone, now))


def _booking_fee(booking: Booking, tariff: Tariff | None, time_zone: str, now: datetime) -> list[BookingCharge]:
    """The fee a new booking owes at once: none while it waits for the host, nor without a tariff."""
    if booking.reservation_status != Status.RESERVED or tariff is None:
        return []
    amount = fees.reservation_fee(tariff, time_zone, booking.starts_at, booking.ends_at, expired=False)
    if not amount:
        return []
    return [
        BookingCharge(
            booking_id=booking.id,
            kind=fees.FeeKind.BOOKING_FEE,
            amount_minor=amount,
            currency=tariff.currency,
            created_at=now,
        )
    ]

"""Offering freed time to waiting drivers, first come first served, in the transaction that freed it.

When a booking stops holding its slot (canceled, rejected, its request run out, a no-show) the code that
changes it calls `offer_freed_slot` in the same transaction: the offers exist exactly when the booking's
change was committed. The waiting entries of that listing are taken in the order they were made; each one
gets the earliest slot of its length on the freed EVSE that overlaps the freed time, lies in its window, is
free and bookable under the terms and hours (see `suggestions.slots`), and overlaps no slot offered before it
in the same pass. The driver is notified (`waitlist.offer`) and has `OFFER_VALID` to accept, at most until
the slot starts. The slot is not held meanwhile: an offer is a head start, not a reservation.

An offer that runs out unanswered passes to the next waiting driver (`sweep`), never back to one who let an
offer of that time lapse before. Entries whose window has passed expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.tables import Booking
from ..listings.tables import Location
from ..notifications.inbox import notify
from ..suggestions.slots import ListingSlots, Outlet, Span, load_slots
from .tables import ACTIVE, EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

OFFER_VALID = timedelta(minutes=15)
_INSTANT = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Swept:
    expired_entries: int
    lapsed_offers: int
    passed_on: int

    def __bool__(self) -> bool:
        """Whether the sweep changed anything (worth a line in the log)."""
        return bool(self.expired_entries or self.lapsed_offers or self.passed_on)


async def offer_freed_slot(session: AsyncSession, booking: Booking, now: datetime) -> int:
    """Offers the time `booking` held to the listing's waiting drivers; how many offers were made."""
    return await offer_slot(
        session, booking.location_id, booking.evse_row_id, (booking.starts_at, booking.ends_at), now
    )


async def offer_slot(
    session: AsyncSession, location_id: str, evse_row_id: int, freed: Span, now: datetime, *, passing_on: bool = False
) -> int:
    """`passing_on`: the time was offered before; drivers who let an offer of it lapse are passed over."""
    start, end = max(freed[0], now), freed[1]
    if end <= start:
        return 0
    entries = list(
        await session.scalars(
            select(WaitlistEntry)
            .where(
                WaitlistEntry.location_id == location_id,
                WaitlistEntry.status == EntryStatus.WAITING,
                WaitlistEntry.window_from < end,
                WaitlistEntry.window_to > start,
            )
            .order_by(WaitlistEntry.id)
            .with_for_update(skip_locked=True)
        )
    )
    location = await session.get(Location, location_id) if entries else None
    if location is None or location.removed_at is not None:
        return 0
    passed_over = await _lapsed_before(session, entries, evse_row_id, (start, end)) if passing_on else set()
    slots = await load_slots(
        session,
        location,
        min(entry.window_from for entry in entries),
        max(entry.window_to for entry in entries),
        evse_row_id=evse_row_id,
    )
    offered: list[Span] = []
    for entry in entries:
        if entry.id not in passed_over and (found := _fitting(slots, entry, (start, end), offered, now)) is not None:
            offered.append(found[1])
            await _offer(session, slots.location, entry, *found, now)
    return len(offered)


async def sweep(session: AsyncSession, now: datetime) -> Swept:
    """Entries whose window passed expire; offers that ran out lapse and their time passes to the next driver."""
    ended = await session.scalars(
        select(WaitlistEntry)
        .where(WaitlistEntry.status.in_(ACTIVE), WaitlistEntry.window_to <= now)
        .with_for_update(skip_locked=True)
    )
    expired = 0
    for entry in ended:
        entry.status, entry.last_updated = EntryStatus.EXPIRED, now
        expired += 1
    await session.flush()
    run_out = (
        (
            await session.execute(
                select(WaitlistOffer, WaitlistEntry)
                .join(WaitlistEntry, WaitlistEntry.id == WaitlistOffer.entry_id)
                .where(WaitlistOffer.status == OfferStatus.OPEN, WaitlistOffer.expires_at <= now)
                .order_by(WaitlistOffer.id)
                .with_for_update(of=WaitlistOffer, skip_locked=True)
            )
        )
        .tuples()
        .all()
    )
    for offer, entry in run_out:
        offer.status = OfferStatus.LAPSED
        if entry.status == EntryStatus.OFFERED:
            entry.status, entry.last_updated = EntryStatus.WAITING, now
    await session.flush()
    passed_on = 0
    for offer, entry in run_out:
        passed_on += await offer_slot(
            session, entry.location_id, offer.evse_row_id, (offer.starts_at, offer.ends_at), now, passing_on=True
        )
    return Swept(expired, len(run_out), passed_on)


def _fitting(
    slots: ListingSlots, entry: WaitlistEntry, freed: Span, offered: list[Span], now: datetime
) -> tuple[Outlet, Span] | None:
    length = timedelta(minutes=entry.duration_minutes)
    # Overlapping the freed time: starting after `freed` starts less the length, and before it ends.
    earliest = max(entry.window_from, now, freed[0] - length + _INSTANT)
    latest_start = min(entry.window_to - length, freed[1] - _INSTANT)
    found = slots.first_free(entry.standards, length, earliest, latest_start, now, avoid=offered)
    return None if found is None else (found[0], (found[1], found[1] + length))


async def _offer(  # noqa: PLR0917 (what is offered, to whom, when)
    session: AsyncSession, location: Location, entry: WaitlistEntry, outlet: Outlet, slot: Span, now: datetime
) -> None:
    expires_at = min(now + OFFER_VALID, slot[0])
    session.add(
        WaitlistOffer(
            entry_id=entry.id,
            evse_row_id=outlet.evse_row_id,
            connector_id=outlet.connector.connector_id,
            starts_at=slot[0],
            ends_at=slot[1],
            offered_at=now,
            expires_at=expires_at,
            status=OfferStatus.OPEN,
        )
    )
    entry.status, entry.last_updated = EntryStatus.OFFERED, now
    zone = ZoneInfo(location.time_zone)
    begin, finish, until = (moment.astimezone(zone) for moment in (*slot, expires_at))
    place = location.name or f"{location.address}, {location.city}"
    await notify(
        session,
        entry.driver_id,
        kind="waitlist.offer",
        subject=f"A slot is free at {place}",
        body=(
            f"{place} is free on {begin:%Y-%m-%d} from {begin:%H:%M} to {finish:%H:%M} ({location.time_zone}), "
            f"at charger {outlet.evse_uid}. The slot is not held for you: accept the offer by {until:%H:%M} "
            "to book it before anyone else does."
        ),
        link=f"/waitlist/{entry.id}",
    )


async def _lapsed_before(
    session: AsyncSession, entries: list[WaitlistEntry], evse_row_id: int, freed: Span
) -> set[int]:
    found = await session.scalars(
        select(WaitlistOffer.entry_id).where(
            WaitlistOffer.entry_id.in_([entry.id for entry in entries]),
            WaitlistOffer.evse_row_id == evse_row_id,
            WaitlistOffer.status == OfferStatus.LAPSED,
            WaitlistOffer.starts_at < freed[1],
            WaitlistOffer.ends_at > freed[0],
        )
    )
    return set(found)

"""The waitlist: a driver who finds nothing free at a listing waits for a slot, and books one when offered.

Who may do what: a driver waits at listings they may book (one they can see, not their own: 404 and 403 as
for a booking) and reads, leaves and accepts only their own entries; anyone else's, an admin's included,
looks exactly like none (404). Joining is refused while a slot that fits is free: that one is booked, not
waited for. An entry asks for a slot of a length (rounded up to the terms' steps, at least their minimum),
or for the time a vehicle takes to charge an energy there (the longest over the connectors it can use), in a
window of at most `MAX_WINDOW`; a driver waits in at most `MAX_ACTIVE` entries, one per listing and time.

Accepting books the offered slot through the booking path (`Bookings.create`), as the driver: 409 when it
was taken meanwhile (the entry waits on), or when the offer ran out.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings.ocpi_json import BookingView
from ..bookings.service import Bookings
from ..config import HubConfig
from ..db.engine import Database
from ..listings.health import HealthRules
from ..listings.tables import Evse
from ..suggestions.params import moment
from ..suggestions.service import charges
from ..suggestions.slots import load_slots, visible_listing
from ..vehicles.params import check_fits_battery, energy_wh
from ..vehicles.service import car_limits, owned_vehicle
from ..web.errors import ApiError, bad_request, conflict, forbidden, not_found
from . import offers
from .documents import EntryView
from .tables import ACTIVE, EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer

MAX_WINDOW = timedelta(days=14)
MAX_ACTIVE = 10


class Waitlist:
    def __init__(
        self, db: Database, config: HubConfig, bookings: Bookings, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._db = db
        self._health = HealthRules.from_config(config)
        self._bookings = bookings
        self.clock = clock or bookings.clock

    async def join(self, principal: Principal, location_id: str, body: dict[str, Any]) -> EntryView:
        now = self.clock()
        start, end = _window(body, now)
        by_vehicle = _by_vehicle(body)
        async with self._db.write() as session:
            location = await visible_listing(
                session, principal, location_id, stale_before=self._health.stale_before(now)
            )
            if location.host_id == principal.user_id:
                raise forbidden("You cannot wait for your own charger.")
            await _check_not_waiting(session, principal, location_id, start, end)
            earliest = max(start, now)
            slots = await load_slots(session, location, earliest, end)
            wh: int | None = None
            standards: list[str] = []
            if by_vehicle:
                wh = energy_wh(body["energy_kwh"])
                vehicle = await owned_vehicle(session, principal, body["vehicle_id"])
                check_fits_battery(vehicle, wh)
                car = car_limits(vehicle)
                length = max(charge.length for charge in charges(slots, car, wh))
                standards = sorted(car.standards)
            else:
                found = slots.length(body["duration_minutes"])
                if found is None:
                    raise bad_request(
                        "too_long", f"Book at most {slots.terms.max_duration_minutes} minutes here.", "duration_minutes"
                    )
                length = found
            if end - earliest < length:
                raise bad_request("invalid", "The window is shorter than the slot.", "to")
            if slots.first_free(standards, length, earliest, end - length, now) is not None:
                raise conflict("slot_available", "A slot that fits is free now: book it instead.")
            entry = WaitlistEntry(
                location_id=location.id,
                driver_id=principal.user_id,
                vehicle_id=body.get("vehicle_id"),
                window_from=start,
                window_to=end,
                duration_minutes=length // timedelta(minutes=1),
                energy_wh=wh,
                standards=standards,
                status=EntryStatus.WAITING,
                created_at=now,
                last_updated=now,
            )
            session.add(entry)
            await session.flush()
        return EntryView(entry, None, None)

    async def list(self, principal: Principal) -> list[EntryView]:
        """The driver's entries, newest first."""
        async with self._db.read() as session:
            entries = await session.scalars(
                select(WaitlistEntry)
                .where(WaitlistEntry.driver_id == principal.user_id)
                .order_by(WaitlistEntry.id.desc())
                .limit(200)
            )
            return await _views(session, list(entries))

    async def get(self, principal: Principal, entry_id: int) -> EntryView:
        async with self._db.read() as session:
            return (await _views(session, [await _own(session, principal, entry_id)]))[0]

    async def leave(self, principal: Principal, entry_id: int) -> None:
        """Deletes the entry; an open offer's time passes to the next waiting driver."""
        now = self.clock()
        async with self._db.write() as session:
            entry = await _own(session, principal, entry_id, lock=True)
            offer = await _open_offer(session, entry.id)
            if offer is not None:  # the database deletes it with the entry: the session must forget it too
                session.expunge(offer)
            await session.delete(entry)
            await session.flush()
            if offer is not None:
                await offers.offer_slot(
                    session,
                    entry.location_id,
                    offer.evse_row_id,
                    (offer.starts_at, offer.ends_at),
                    now,
                    passing_on=True,
                )

    async def accept(self, principal: Principal, entry_id: int) -> BookingView:
        now = self.clock()
        async with self._db.read() as session:
            entry = await _own(session, principal, entry_id)
            offer = await _open_offer(session, entry.id)
            if offer is None:
                raise conflict("no_offer", "No slot is offered to this entry now.")
            if offer.expires_at <= now:
                raise conflict("offer_expired", "The offer ran out; the entry waits for the next slot.")
            evse_uid = await session.scalar(select(Evse.uid).where(Evse.id == offer.evse_row_id))
        body = {
            "location_id": entry.location_id,
            "evse_uid": evse_uid,
            "connector_id": offer.connector_id,
            "period": {"start_from": offer.starts_at.isoformat(), "end_before": offer.ends_at.isoformat()},
        }
        try:
            view = await self._bookings.create(principal, body)
        except ApiError as err:
            if err.status == 409:  # booked by someone else, or the charger can no longer be booked
                await self._closed(offer.id, None)
            raise
        await self._closed(offer.id, view.booking.id)
        return view

    async def sweep(self) -> offers.Swept:
        async with self._db.write() as session:
            return await offers.sweep(session, self.clock())

    async def _closed(self, offer_id: int, booking_id: str | None) -> None:
        """Records how an accepted offer ended: booked (`booking_id`), or taken by someone else. Two accepts of
        one offer may race: the booking wins, whichever of them is recorded first."""
        async with self._db.write() as session:
            offer = await session.get(WaitlistOffer, offer_id, with_for_update=True)
            if offer is None or (booking_id is None and offer.status != OfferStatus.OPEN):
                return  # the driver left the waitlist meanwhile, or the other accept booked it
            offer.status = OfferStatus.TAKEN if booking_id is None else OfferStatus.ACCEPTED
            entry = await session.get(WaitlistEntry, offer.entry_id, with_for_update=True)
            if entry is not None and (entry.status in ACTIVE or booking_id is not None):
                entry.status = EntryStatus.WAITING if booking_id is None else EntryStatus.BOOKED
                entry.booking_id, entry.last_updated = booking_id, self.clock()


def _window(body: dict[str, Any], now: datetime) -> tuple[datetime, datetime]:
    start, end = moment(body["from"], "from"), moment(body["to"], "to")
    if end <= start:
        raise bad_request("invalid", "to is after from.", "to")
    if end - start > MAX_WINDOW:
        raise bad_request("invalid", f"The window spans at most {MAX_WINDOW.days} days.", "to")
    if end <= now:
        raise bad_request("invalid", "The window is over; give one that ends in the future.", "to")
    return start, end


def _by_vehicle(body: dict[str, Any]) -> bool:
    """Whether the slot's length comes from a vehicle and an energy, rather than `duration_minutes`."""
    if "duration_minutes" in body:
        for name in ("vehicle_id", "energy_kwh"):
            if name in body:
                raise bad_request("invalid", "Give duration_minutes, or vehicle_id and energy_kwh; not both.", name)
        return False
    for name in ("vehicle_id", "energy_kwh"):
        if name not in body:
            raise bad_request("invalid", "Give duration_minutes, or vehicle_id and energy_kwh.", name)
    return True


async def _check_not_waiting(
    session: AsyncSession, principal: Principal, location_id: str, start: datetime, end: datetime
) -> None:
    active = WaitlistEntry.driver_id == principal.user_id, WaitlistEntry.status.in_(ACTIVE)
    if (await session.scalar(select(func.count()).where(*active)) or 0) >= MAX_ACTIVE:
        raise conflict("too_many_entries", f"A driver waits for at most {MAX_ACTIVE} slots at a time.")
    overlapping = await session.scalar(
        select(func.count()).where(
            *active,
            WaitlistEntry.location_id == location_id,
            WaitlistEntry.window_from < end,
            WaitlistEntry.window_to > start,
        )
    )
    if overlapping:
        raise conflict("already_waiting", "You already wait for a slot here at that time.")


async def _own(session: AsyncSession, principal: Principal, entry_id: int, *, lock: bool = False) -> WaitlistEntry:
    entry = await session.get(WaitlistEntry, entry_id, with_for_update=lock)
    if entry is None or entry.driver_id != principal.user_id:
        raise not_found("waitlist entry")
    return entry


async def _open_offer(session: AsyncSession, entry_id: int) -> WaitlistOffer | None:
    return await session.scalar(
        select(WaitlistOffer).where(WaitlistOffer.entry_id == entry_id, WaitlistOffer.status == OfferStatus.OPEN)
    )


async def _views(session: AsyncSession, entries: Sequence[WaitlistEntry]) -> list[EntryView]:
    open_offers = {
        offer.entry_id: (offer, evse_uid)
        for offer, evse_uid in (
            await session.execute(
                select(WaitlistOffer, Evse.uid)
                .join(Evse, Evse.id == WaitlistOffer.evse_row_id)
                .where(
                    WaitlistOffer.entry_id.in_([entry.id for entry in entries]),
                    WaitlistOffer.status == OfferStatus.OPEN,
                )
            )
        ).tuples()
    }
    return [EntryView(entry, *open_offers.get(entry.id, (None, None))) for entry in entries]

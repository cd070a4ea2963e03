"""The slots a charge can take at one listing: its bookable connectors, and which periods are free on them.

A period is judged by the booking path's own rules, not a copy of them: `check_period` (the terms' grid,
minimum and maximum length and days ahead; the opening hours), as `bookings.creation` calls it, and the EVSE
states that cannot be booked (`NOT_BOOKABLE`). What holds an EVSE's time is every booking that holds a slot
(PENDING or RESERVED). All of it is read once, in one session, and candidate periods are then checked in
memory; a booking made from a suggestion still meets the database's overlap guard when it is written.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..bookings import fees
from ..bookings.creation import NOT_BOOKABLE
from ..bookings.periods import Hours, check_period
from ..bookings.reads import load_hours, load_terms
from ..bookings.tables import HOLDING, Booking
from ..bookings.terms import Terms
from ..listings.power import max_power_w
from ..listings.service import Listings
from ..listings.tables import Connector, Evse, Location
from ..tariffs import Tariff
from ..web.errors import ApiError, not_found

Span = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Outlet:
    """A connector of a bookable EVSE, with the tariff its charging is priced by (None: no tariff)."""

    evse_row_id: int
    evse_uid: str
    connector: Connector
    tariff: Tariff | None

    @property
    def max_power_w(self) -> int:
        c = self.connector
        return max_power_w(c.power_type, c.max_voltage, c.max_amperage, c.max_electric_power)


@dataclass(slots=True)
class ListingSlots:
    location: Location
    terms: Terms
    hours: Hours
    outlets: list[Outlet]
    holding: dict[int, list[Span]]  # per EVSE row id, the periods bookings hold
    _allowed: dict[Span, bool] = field(default_factory=dict)

    def length(self, charging_minutes: int) -> timedelta | None:
        """The slot a charge of that many minutes books: whole steps, at least the minimum; None: over the
        maximum."""
        step = self.terms.step_size_minutes
        minutes = max(-(-charging_minutes // step) * step, self.terms.min_duration_minutes)
        return None if minutes > self.terms.max_duration_minutes else timedelta(minutes=minutes)

    def starts(self, earliest: datetime, latest: datetime) -> Iterator[datetime]:
        """The starts on the terms' grid of the listing's local clock from `earliest` until `latest`."""
        step = timedelta(minutes=self.terms.step_size_minutes)
        local = earliest.astimezone(ZoneInfo(self.location.time_zone))
        past_grid = (local - local.replace(hour=0, minute=0, second=0, microsecond=0)) % step
        start = earliest + (step - past_grid if past_grid else timedelta(0))
        while start <= latest:
            yield start
            start += step

    def allowed(self, start: datetime, end: datetime, now: datetime) -> bool:
        """Whether the terms and the opening hours let the period be booked at `now`."""
        found = self._allowed.get((start, end))
        if found is None:
            try:
                check_period(self.terms, self.hours, start, end, now)
            except ApiError:
                found = False
            else:
                found = True
            self._allowed[(start, end)] = found
        return found

    def free(self, evse_row_id: int, start: datetime, end: datetime) -> bool:
        return not _overlaps(self.holding.get(evse_row_id, ()), start, end)

    def first_free(  # noqa: PLR0917 (a slot's shape, where it may lie, and when)
        self,
        standards: Collection[str],
        length: timedelta,
        earliest: datetime,
        latest_start: datetime,
        now: datetime,
        avoid: Collection[Span] = (),
    ) -> tuple[Outlet, datetime] | None:
        """The earliest free slot of `length` starting in [earliest, latest_start], at the first connector in the
        host's order of one of the standards (any, when none are given), overlapping none of `avoid`."""
        outlets = [outlet for outlet in self.outlets if not standards or outlet.connector.standard in standards]
        for start in self.starts(earliest, latest_start) if outlets else ():
            end = start + length
            if _overlaps(avoid, start, end) or not self.allowed(start, end, now):
                continue
            for outlet in outlets:
                if self.free(outlet.evse_row_id, start, end):
                    return outlet, start
        return None


def _overlaps(spans: Iterable[Span], start: datetime, end: datetime) -> bool:
    return any(begin < end and start < finish for begin, finish in spans)


async def visible_listing(
    session: AsyncSession, principal: Principal, location_id: str, *, stale_before: datetime
) -> Location:
    """The listing, as `plan_booking` finds it: one the driver may see (not stale, see `listings.health`) and
    that was not removed, else 404."""
    location = await Listings.visible(session, principal, location_id, stale_before=stale_before)
    if location.removed_at is not None:
        raise not_found("listing")
    return location


async def load_outlets(session: AsyncSession, location: Location, *, evse_row_id: int | None = None) -> list[Outlet]:
    """The connectors of the listing's bookable EVSEs (or of one of them), in the host's order."""
    query = (
        select(Evse.id, Evse.uid, Connector)
        .join(Connector, Connector.evse_row_id == Evse.id)
        .where(Evse.location_id == location.id, Evse.status.not_in(NOT_BOOKABLE))
        .order_by(Evse.position, Connector.position)
    )
    if evse_row_id is not None:
        query = query.where(Evse.id == evse_row_id)
    rows = (await session.execute(query)).tuples().all()
    usable = await fees.host_tariffs(session, (t for *_, c in rows for t in c.tariff_ids), location.host_id)
    return [Outlet(row_id, uid, c, fees.first_tariff(c.tariff_ids, usable)) for row_id, uid, c in rows]


async def load_slots(
    session: AsyncSession, location: Location, start: datetime, end: datetime, *, evse_row_id: int | None = None
) -> ListingSlots:
    """What periods within [start, end) at the listing (or at one of its EVSEs) are checked against."""
    outlets = await load_outlets(session, location, evse_row_id=evse_row_id)
    holding: defaultdict[int, list[Span]] = defaultdict(list)
    if outlets:
        booked = await session.execute(
            select(Booking.evse_row_id, Booking.starts_at, Booking.ends_at).where(
                Booking.evse_row_id.in_({outlet.evse_row_id for outlet in outlets}),
                Booking.reservation_status.in_(HOLDING),
                Booking.starts_at < end,
                Booking.ends_at > start,
            )
        )
        for row_id, begin, finish in booked.tuples():
            holding[row_id].append((begin, finish))
    terms, hours = await load_terms(session, location.id), await load_hours(session, location)
    return ListingSlots(location, terms, hours, outlets, dict(holding))

"""Which listings have an EVSE free for a whole window: open then, in a state that can be booked, and with
no booking holding any part of the window.

The EVSE and booking conditions are SQL (`free_evse`), part of the search's one statement; opening hours are
local weekly windows with dated exceptions, checked in Python (`open_throughout`) on the rows SQL let through,
and only for listings whose search row says they are not simply always open.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, Integer, bindparam, case, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.tables import HOLDING, Booking
from ..db.base import UtcDateTime
from ..listings.opening import open_throughout
from ..listings.tables import Evse, ExceptionalPeriod, Location, RegularHours
from .tables import SearchConnector, SearchEntry

# What a charger that works reports now; a booking for later is made against these. Out of order, not yet
# built, removed or never heard from (UNKNOWN) is not bookable; nor is one of these once too old to be believed,
# which shows as UNKNOWN (`listings.health`: parameters `live_fresh_since` and `manual_fresh_since`).
BOOKABLE_STATUSES = ("AVAILABLE", "BLOCKED", "CHARGING", "RESERVED")

_booking = Booking.__table__.c
_connector = SearchConnector.__table__.c
_evse = Evse.__table__.c

# The hours of the listings asked for (parameter `location_ids`): a row per weekly window, or one without any.
_HOURS = (
    select(Location.id, Location.time_zone, Location.twentyfourseven, RegularHours)
    .outerjoin(RegularHours, RegularHours.location_id == Location.id)
    .where(Location.id.in_(bindparam("location_ids", expanding=True)))
)
_EXCEPTIONS = select(ExceptionalPeriod).where(
    ExceptionalPeriod.location_id.in_(bindparam("location_ids", expanding=True))
)


def free_evse(*, standards: bool, min_power: bool) -> ColumnElement[bool]:
    """The entry has an EVSE, with a connector of the standards (parameter `standards`) and power (`min_power`)
    asked for, that is free from `free_from` until `free_until`."""
    conditions = [
        _connector.entry_id == SearchEntry.__table__.c.id,
        _evse.id == _connector.evse_row_id,
        _evse.status.in_(BOOKABLE_STATUSES),
        _evse.status_updated_at
        >= case(
            (_evse.status_live.is_(True), bindparam("live_fresh_since", type_=UtcDateTime)),
            else_=bindparam("manual_fresh_since", type_=UtcDateTime),
        ),
        ~exists().where(
            _booking.evse_row_id == _connector.evse_row_id,
            _booking.reservation_status.in_(HOLDING),
            _booking.starts_at < bindparam("free_until", type_=_booking.starts_at.type),
            _booking.ends_at > bindparam("free_from", type_=_booking.ends_at.type),
        ),
    ]
    if standards:
        conditions.append(_connector.standard.in_(bindparam("standards", expanding=True)))
    if min_power:
        conditions.append(_connector.max_power >= bindparam("min_power", type_=Integer))
    return exists().where(*conditions)


async def open_throughout_window(
    session: AsyncSession, location_ids: Sequence[str], start: datetime, end: datetime
) -> set[str]:
    """Those of the listings that are open for all of [start, end): two statements, however many listings."""
    if not location_ids:
        return set()
    ids = {"location_ids": list(location_ids)}
    locations: dict[str, tuple[str, bool | None]] = {}
    regular: defaultdict[str, list[RegularHours]] = defaultdict(list)
    for location_id, time_zone, twentyfourseven, hours in await session.execute(_HOURS, ids):
        locations[location_id] = time_zone, twentyfourseven
        if hours is not None:
            regular[location_id].append(hours)
    exceptions: defaultdict[str, list[ExceptionalPeriod]] = defaultdict(list)
    for period in await session.scalars(_EXCEPTIONS, ids):
        exceptions[period.location_id].append(period)
    return {
        location_id
        for location_id, (time_zone, twentyfourseven) in locations.items()
        if open_throughout(time_zone, twentyfourseven, regular[location_id], exceptions[location_id], start, end)
    }

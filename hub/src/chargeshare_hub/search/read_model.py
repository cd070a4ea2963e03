"""Keeping the search rows true: recomputed from a listing inside the very transaction that changed it.

Called by listing writes (`refresh_location`), live statuses (`refresh_statuses`) and tariff writes
(`refresh_tariff_users`), never on their own, so a search sees a listing, its price and its spatial index entry
change together or not at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..listings.tables import Connector, Evse, ExceptionalPeriod, Location
from ..tariff_catalog.documents import stored_tariff
from ..tariff_catalog.tables import HostTariff
from ..tariffs.indicative import indicative_price_per_kwh
from . import spatial
from .summary import entry_values, evse_state
from .tables import SearchConnector, SearchEntry

MIN_SCORE, MAX_SCORE = 1, 5


async def refresh_location(session: AsyncSession, location_id: str) -> None:
    """Recomputes the search row of one listing; a removed listing loses its row."""
    location = await session.get(Location, location_id)
    entry = await session.scalar(select(SearchEntry).where(SearchEntry.location_id == location_id))
    if location is None or location.removed_at is not None:
        if entry is not None:
            await _delete(session, entry)
        return
    evses = list(await session.scalars(select(Evse).where(Evse.location_id == location_id).order_by(Evse.position)))
    connectors = list(
        await session.scalars(select(Connector).where(Connector.evse_row_id.in_([evse.id for evse in evses])))
    )
    tariff_ids = {tariff_id for connector in connectors for tariff_id in connector.tariff_ids}
    prices = await _prices(session, location.host_id, tariff_ids, location.time_zone)
    values, connector_rows = entry_values(
        _columns(location),
        [(_columns(evse), [_columns(c) for c in connectors if c.evse_row_id == evse.id]) for evse in evses],
        prices,
        has_exceptional_periods=bool(
            await session.scalar(select(exists().where(ExceptionalPeriod.location_id == location_id)))
        ),
    )
    if entry is None:
        entry = SearchEntry(rating=None, rating_count=0, **values)
        session.add(entry)
    else:
        for name, value in values.items():
            setattr(entry, name, value)
    await session.flush()
    await session.execute(delete(SearchConnector).where(SearchConnector.entry_id == entry.id))
    session.add_all(SearchConnector(entry_id=entry.id, **row) for row in connector_rows)
    await session.flush()
    if _is_sqlite(session):
        await spatial.put_rtree_rows(session, [spatial.rtree_row(entry.id, entry.latitude, entry.longitude)])


async def refresh_statuses(session: AsyncSession, locations: Iterable[Location], evses: Iterable[Evse]) -> None:
    """Writes the listings' EVSE statuses (`evses`: all of theirs) and confirmation times to their search rows:
    all a live status changes, without recomputing the rest as `refresh_location` does."""
    by_location: dict[str, list[Evse]] = defaultdict(list)
    for evse in sorted(evses, key=lambda evse: evse.position):
        by_location[evse.location_id].append(evse)
    confirmed = {location.id: location.availability_confirmed_at for location in locations}
    entries = await session.scalars(select(SearchEntry).where(SearchEntry.location_id.in_(sorted(confirmed))))
    for entry in entries:
        entry.evse_states = [
            evse_state(evse.status, evse.status_updated_at, evse.status_live) for evse in by_location[entry.location_id]
        ]
        entry.availability_confirmed_at = confirmed[entry.location_id]


async def refresh_tariff_users(session: AsyncSession, tariff_id: str) -> None:
    """Refreshes every live listing of the tariff's host whose connectors name the tariff."""
    host_id = await session.scalar(select(HostTariff.host_id).where(HostTariff.id == tariff_id))
    if host_id is None:
        return
    named = await session.execute(
        select(Evse.location_id, Connector.tariff_ids)
        .join(Evse, Connector.evse_row_id == Evse.id)
        .join(Location, Evse.location_id == Location.id)
        .where(Location.host_id == host_id, Location.removed_at.is_(None))
    )
    for location_id in sorted({location_id for location_id, tariff_ids in named if tariff_id in tariff_ids}):
        await refresh_location(session, location_id)


async def set_rating(session: AsyncSession, location_id: str, score: float | None, count: int) -> None:
    """Records a listing's mean review score (1 to 5; None without reviews) and how many reviews it rests on."""
    if score is not None and not MIN_SCORE <= score <= MAX_SCORE:
        raise ValueError(f"a score is between {MIN_SCORE} and {MAX_SCORE}")
    if count < 0 or (score is None) != (count == 0):
        raise ValueError("a score comes with a positive count, and no score with none")
    await session.execute(
        update(SearchEntry).where(SearchEntry.location_id == location_id).values(rating=score, rating_count=count)
    )


async def set_fault_penalty(session: AsyncSession, location_id: str, until: datetime | None) -> None:
    """Records until when repeated fault reports keep the listing below the others (see `faults.penalty`)."""
    await session.execute(
        update(SearchEntry).where(SearchEntry.location_id == location_id).values(fault_penalty_until=until)
    )


async def _prices(
    session: AsyncSession, host_id: int, tariff_ids: set[str], time_zone: str
) -> dict[str, tuple[int, str]]:
    """The indicative price per kWh and currency of each named live tariff of the host."""
    if not tariff_ids:
        return {}
    rows = await session.scalars(
        select(HostTariff).where(
            HostTariff.id.in_(sorted(tariff_ids)), HostTariff.host_id == host_id, HostTariff.removed_at.is_(None)
        )
    )
    return {row.id: (indicative_price_per_kwh(stored_tariff(row), time_zone), row.currency) for row in rows}


async def _delete(session: AsyncSession, entry: SearchEntry) -> None:
    if _is_sqlite(session):
        await spatial.delete_rtree_row(session, entry.id)
    await session.delete(entry)
    await session.flush()


def _columns(row: Any) -> Mapping[str, Any]:
    return {attribute.key: getattr(row, attribute.key) for attribute in row.__mapper__.column_attrs}


def _is_sqlite(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "sqlite"

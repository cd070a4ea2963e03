"""Writing seeded hosts fast: Core executemany in batches, search rows and spatial index included.

A listing seeded here has exactly the rows the API would write (`listings.rows`, the tariff catalog), and its
search rows come from the same `search.summary.entry_values` that listing writes use; only the way in differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
import json
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import User
from ..listings.tables import Connector, Evse, Location, LocationInvite, RegularHours
from ..search import spatial
from ..search.summary import entry_values
from ..search.tables import SearchConnector, SearchEntry
from ..tariff_catalog.documents import accepted_tariff, tariff_document
from ..tariff_catalog.tables import HostTariff
from ..tariffs.indicative import indicative_price_per_kwh
from .chargers import SeedListing

UNUSABLE_PASSWORD_HASH = "!"  # noqa: S105 (no argon2 hash is "!": seeded hosts cannot sign in)


class BulkWriter:
    """Writes batches of seeded listings; caches what many of them share (tariff documents and prices)."""

    def __init__(self, now: datetime, invitee_id: int | None) -> None:
        self._now = now
        self._invitee_id = invitee_id
        self._documents: dict[str, dict[str, Any]] = {}
        self._prices: dict[tuple[str, str], tuple[int, str]] = {}

    async def write(self, session: AsyncSession, batch: Sequence[SeedListing]) -> None:
        now = self._now
        host_ids = await _insert_with_ids(
            session,
            User.__table__,
            [{"email": item.email, "password_hash": UNUSABLE_PASSWORD_HASH, "name": item.host_name, "is_host": True,
              "is_driver": False, "is_admin": False, "created_at": now} for item in batch],
        )  # fmt: skip
        tariffs = [self._tariff(item) for item in batch]
        await _insert(
            session,
            HostTariff.__table__,
            [{"id": item.tariff_id, "host_id": host_id, "currency": document["currency"], "document": document,
              "last_updated": now, "removed_at": None}
             for item, host_id, (document, _) in zip(batch, host_ids, tariffs, strict=True)],
        )  # fmt: skip
        locations = [
            {
                **item.location,
                "host_id": host_id,
                "created_at": now,
                "last_updated": now,
                "availability_confirmed_at": now,
                "stale_reminder_sent_at": None,
            }
            for item, host_id in zip(batch, host_ids, strict=True)
        ]
        await _insert(session, Location.__table__, locations)
        status_written = {"status_updated_at": now, "status_live": False}  # as the host typed it in, now
        evse_rows = [
            {**evse, **status_written, "location_id": location["id"], "last_updated": now}
            for item, location in zip(batch, locations, strict=True)
            for evse, _ in item.evses
        ]
        evse_ids = iter(await _insert_with_ids(session, Evse.__table__, evse_rows))
        evses_by_listing = [
            [({**evse, **status_written, "id": next(evse_ids)}, connectors) for evse, connectors in item.evses]
            for item in batch
        ]
        await _insert(
            session,
            Connector.__table__,
            [{**connector, "evse_row_id": evse["id"], "last_updated": now}
             for evses in evses_by_listing for evse, connectors in evses for connector in connectors],
        )  # fmt: skip
        await _insert(
            session,
            RegularHours.__table__,
            [{"location_id": location["id"], "weekday": weekday, "period_begin": begin, "period_end": end}
             for item, location in zip(batch, locations, strict=True) for weekday, begin, end in item.regular_hours],
        )  # fmt: skip
        if self._invitee_id is not None:
            await _insert(
                session,
                LocationInvite.__table__,
                [{"location_id": location["id"], "user_id": self._invitee_id}
                 for location in locations if not location["publish"]],
            )  # fmt: skip
        await self._search_rows(session, batch, locations, evses_by_listing, tariffs)

    async def _search_rows(
        self,
        session: AsyncSession,
        batch: Sequence[SeedListing],
        locations: list[dict[str, Any]],
        evses_by_listing: list[list[tuple[dict[str, Any], list[dict[str, Any]]]]],
        tariffs: list[tuple[dict[str, Any], tuple[int, str]]],
    ) -> None:
        entries, connector_rows = [], []
        for item, location, evses, (_, price) in zip(batch, locations, evses_by_listing, tariffs, strict=True):
            entry, connectors = entry_values(location, evses, {item.tariff_id: price}, has_exceptional_periods=False)
            entries.append({**entry, "rating": None, "rating_count": 0})
            connector_rows.append(connectors)
        entry_ids = await _insert_with_ids(session, SearchEntry.__table__, entries)
        await _insert(
            session,
            SearchConnector.__table__,
            [{**row, "entry_id": entry_id} for entry_id, rows in zip(entry_ids, connector_rows, strict=True)
             for row in rows],
        )  # fmt: skip
        if session.get_bind().dialect.name == "sqlite":
            await spatial.put_rtree_rows(
                session,
                [spatial.rtree_row(entry_id, entry["latitude"], entry["longitude"])
                 for entry_id, entry in zip(entry_ids, entries, strict=True)],
            )  # fmt: skip

    def _tariff(self, item: SeedListing) -> tuple[dict[str, Any], tuple[int, str]]:
        """The stored document (as the catalog would store it) and its indicative price in the listing's zone."""
        key = json.dumps(item.tariff_body, sort_keys=True)
        template = self._documents.get(key)
        if template is None:
            template = tariff_document(accepted_tariff(item.tariff_body, "seed", self._now))
            self._documents[key] = template
        document = {**template, "id": item.tariff_id}
        time_zone = item.location["time_zone"]
        price = self._prices.get((key, time_zone))
        if price is None:
            tariff = accepted_tariff(item.tariff_body, "seed", self._now)
            price = (indicative_price_per_kwh(tariff, time_zone), tariff.currency)
            self._prices[(key, time_zone)] = price
        return document, price


async def _insert(session: AsyncSession, table: Table | Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(table), rows)


async def _insert_with_ids(session: AsyncSession, table: Table | Any, rows: list[dict[str, Any]]) -> list[int]:
    """Inserts the rows under new integer ids, given here so that one executemany does it (RETURNING would
    cost SQLite a statement per row); returns the ids in the rows' order."""
    ids = await _new_ids(session, table, len(rows))
    await _insert(session, table, [{**row, "id": new_id} for row, new_id in zip(rows, ids, strict=True)])
    return ids


async def _new_ids(session: AsyncSession, table: Table | Any, count: int) -> list[int]:
    if not count:
        return []
    if session.get_bind().dialect.name == "sqlite":
        # Inside the single writer's transaction nobody else can take an id meanwhile.
        last = await session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
        return list(range(last + 1, last + 1 + count))
    sequence = func.pg_get_serial_sequence(table.name, "id")
    return list(await session.scalars(select(func.nextval(sequence)).select_from(func.generate_series(1, count))))

"""Tariffs: hosts create, replace and remove their OCPI tariffs; who may read one is decided here.

A tariff is readable by its host and admins, and by anyone who may see a live listing naming it; to everyone
else it looks exactly like no tariff at all (404). Removing keeps the row: sessions copy the tariff they were
priced with, and the id is never given out again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
import uuid

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..db.base import utcnow
from ..db.engine import Database
from ..listings.ocpi_json import LoadedListing
from ..listings.tables import Connector, Evse, Location, LocationInvite
from ..search.read_model import refresh_tariff_users
from ..web.errors import conflict, forbidden, not_found
from .checks import check_replacement_fits, live_connectors_naming
from .documents import accepted_tariff, tariff_document
from .tables import HostTariff


class TariffCatalog:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    async def create(self, principal: Principal, body: Mapping[str, Any]) -> HostTariff:
        async with self._db.write() as session:
            return await self.create_in(session, principal, body)

    async def create_in(self, session: AsyncSession, principal: Principal, body: Mapping[str, Any]) -> HostTariff:
        """`create` in the caller's transaction (the link's, which records the message with it)."""
        if not principal.is_host:
            raise forbidden("Only a host account has tariffs.")
        now = self._clock()
        given_id = body.get("id")
        tariff = accepted_tariff(body, given_id if isinstance(given_id, str) else str(uuid.uuid4()), now)
        if await session.get(HostTariff, tariff.id) is not None:
            raise conflict("id_taken", f"The tariff id {tariff.id!r} is taken; leave id out to get one.", "id")
        row = HostTariff(
            id=tariff.id,
            host_id=principal.user_id,
            currency=tariff.currency,
            document=tariff_document(tariff),
            last_updated=now,
        )
        session.add(row)
        await session.flush()
        await refresh_tariff_users(session, row.id)
        return row

    async def replace(self, principal: Principal, tariff_id: str, body: Mapping[str, Any]) -> HostTariff:
        """The whole tariff, as sent; sessions already started keep the version they started with."""
        async with self._db.write() as session:
            return await self.replace_in(session, principal, tariff_id, body)

    async def replace_in(
        self, session: AsyncSession, principal: Principal, tariff_id: str, body: Mapping[str, Any]
    ) -> HostTariff:
        """`replace` in the caller's transaction."""
        now = self._clock()
        tariff = accepted_tariff(body, tariff_id, now)
        row = await self._own(session, principal, tariff_id)
        if row.removed_at is not None:
            raise conflict("removed", "This tariff was removed; create a new one.")
        await check_replacement_fits(session, row.host_id, tariff)
        row.currency = tariff.currency
        row.document = tariff_document(tariff)
        row.last_updated = now
        await session.flush()
        await refresh_tariff_users(session, row.id)
        return row

    async def remove(self, principal: Principal, tariff_id: str) -> None:
        async with self._db.write() as session:
            row = await self._own(session, principal, tariff_id)
            if row.removed_at is not None:
                raise not_found("tariff")
            if await live_connectors_naming(session, row.host_id, tariff_id):
                raise conflict("in_use", "A connector of a listing names this tariff; change the listing first.")
            row.removed_at = self._clock()
            await session.flush()
            await refresh_tariff_users(session, row.id)

    async def of_host(self, principal: Principal) -> list[HostTariff]:
        """The host's live tariffs, by id."""
        async with self._db.read() as session:
            rows = await session.scalars(
                select(HostTariff)
                .where(HostTariff.host_id == principal.user_id, HostTariff.removed_at.is_(None))
                .order_by(HostTariff.id)
            )
            return list(rows)

    async def get(self, principal: Principal | None, tariff_id: str) -> HostTariff:
        async with self._db.read() as session:
            row = await session.get(HostTariff, tariff_id)
            if row is None:
                raise not_found("tariff")
            if principal is not None and (principal.is_admin or principal.user_id == row.host_id):
                return row
            if row.removed_at is None and await _named_by_visible_listing(session, principal, row):
                return row
            raise not_found("tariff")

    async def named_by(self, listing: LoadedListing) -> list[HostTariff]:
        """The tariffs a listing's connectors name, in the order they first appear."""
        ids = list(
            dict.fromkeys(
                tariff_id for _, connectors in listing.evses for c in connectors for tariff_id in c.tariff_ids
            )
        )
        async with self._db.read() as session:
            rows = {row.id: row for row in await session.scalars(select(HostTariff).where(HostTariff.id.in_(ids)))}
        return [rows[tariff_id] for tariff_id in ids if tariff_id in rows]

    @staticmethod
    async def _own(session: AsyncSession, principal: Principal, tariff_id: str) -> HostTariff:
        row = await session.get(HostTariff, tariff_id)
        if row is None or row.host_id != principal.user_id:
            raise not_found("tariff")
        return row


async def _named_by_visible_listing(session: AsyncSession, principal: Principal | None, row: HostTariff) -> bool:
    """Whether a live listing the principal may see names the tariff: published, or invite-only with them invited."""
    visible: ColumnElement[bool] = Location.publish.is_(True)
    if principal is not None:
        invited = exists().where(LocationInvite.location_id == Location.id, LocationInvite.user_id == principal.user_id)
        visible = or_(visible, invited)
    named = await session.scalars(
        select(Connector.tariff_ids)
        .join(Evse, Connector.evse_row_id == Evse.id)
        .join(Location, Evse.location_id == Location.id)
        .where(Location.host_id == row.host_id, Location.removed_at.is_(None), visible)
    )
    return any(row.id in tariff_ids for tariff_ids in named)

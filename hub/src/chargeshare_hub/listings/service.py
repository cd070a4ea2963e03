"""Listings: hosts create, replace and remove their Locations; who may see one is decided here.

An invite-only listing, a removed one, a stale one (see `health`) or another host's looks to everyone without the
right to it exactly like no listing at all (404), so its existence does not leak. Removing keeps the rows
(bookings and sessions will refer to them): the EVSEs turn REMOVED and the listing is hidden from everyone but its
host and admins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
import secrets
from typing import Any
import uuid

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..faults.holds import hold_faulted_evses
from ..search.read_model import refresh_location
from ..tariff_catalog.checks import check_connector_tariffs
from ..web.errors import conflict, forbidden, not_found
from . import photo_files
from .health import HealthRules
from .ocpi_json import LoadedListing
from .rows import invited_user_ids, load_listing, write_listing
from .tables import Evse, Location, LocationInvite, Photo
from .validation import validate_listing

MAX_PHOTOS = 20


@dataclass(frozen=True, slots=True)
class PhotoFile:
    path: Path
    content_type: str


class Listings:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._config = config
        self.clock = clock
        self.rules = HealthRules.from_config(config)

    async def create(self, principal: Principal, body: Any) -> LoadedListing:
        async with self._db.write() as session:
            return await self.create_in(session, principal, body)

    async def create_in(self, session: AsyncSession, principal: Principal, body: Any) -> LoadedListing:
        """`create` in the caller's transaction (the link's, which records the message with it)."""
        if not principal.is_host:
            raise forbidden("Only a host account can list a charger.")
        listing = validate_listing(body)
        invitees = await invited_user_ids(session, listing.fields.get("publish_allowed_to", []))
        await check_connector_tariffs(session, principal.user_id, listing.fields.get("evses", []))
        location = Location(id=str(uuid.uuid4()), host_id=principal.user_id)
        await write_listing(session, location, listing, invitees, self.clock())
        await refresh_location(session, location.id)
        return await load_listing(session, location)

    async def replace(self, principal: Principal, location_id: str, body: Any) -> LoadedListing:
        """The whole listing, as sent: what it leaves out is gone (photos excepted)."""
        async with self._db.write() as session:
            return await self.replace_in(session, principal, location_id, body)

    async def replace_in(
        self, session: AsyncSession, principal: Principal, location_id: str, body: Any
    ) -> LoadedListing:
        """`replace` in the caller's transaction."""
        listing = validate_listing(body)
        location = await self._own(session, principal, location_id)
        if location.removed_at is not None:
            raise conflict("removed", "This listing was removed; create a new one.")
        invitees = await invited_user_ids(session, listing.fields.get("publish_allowed_to", []))
        await check_connector_tariffs(session, location.host_id, listing.fields.get("evses", []))
        now = self.clock()
        await write_listing(session, location, listing, invitees, now)
        await hold_faulted_evses(session, [location.id], now)
        await refresh_location(session, location.id)
        return await load_listing(session, location)

    async def remove(self, principal: Principal, location_id: str) -> None:
        now = self.clock()
        async with self._db.write() as session:
            location = await self._own(session, principal, location_id)
            if location.removed_at is not None:
                raise not_found("listing")
            location.removed_at = location.last_updated = now
            location.publish = False
            await session.execute(
                update(Evse)
                .where(Evse.location_id == location_id)
                .values(status="REMOVED", status_updated_at=now, status_live=False, last_updated=now)
            )
            await refresh_location(session, location_id)

    async def get(self, principal: Principal | None, location_id: str) -> LoadedListing:
        async with self._db.read() as session:
            location = await self.visible(session, principal, location_id, stale_before=self.stale_before())
            return await load_listing(session, location)

    async def of_host(self, principal: Principal) -> list[LoadedListing]:
        """The host's listings, newest first; removed ones are left out."""
        async with self._db.read() as session:
            locations = await session.scalars(
                select(Location)
                .where(Location.host_id == principal.user_id, Location.removed_at.is_(None))
                .order_by(Location.created_at.desc(), Location.id)
            )
            return [await load_listing(session, location) for location in locations]

    async def add_photo(
        self, principal: Principal, location_id: str, declared_type: str, data: bytes, category: str
    ) -> Photo:
        content_type = photo_files.checked_content_type(declared_type, data)
        size = photo_files.png_size(data)
        async with self._db.write() as session:
            location = await self._own(session, principal, location_id)
            count = await session.scalar(select(func.count()).where(Photo.location_id == location.id))
            if (count or 0) >= MAX_PHOTOS:
                raise conflict("too_many_photos", f"A listing has at most {MAX_PHOTOS} photos.")
            file_name = photo_files.store(self._config.data_dir, content_type, data)
            photo = Photo(
                id=secrets.token_hex(16),
                location_id=location.id,
                file_name=file_name,
                content_type=content_type,
                category=category,
                width=size[0] if size else None,
                height=size[1] if size else None,
                size_bytes=len(data),
            )
            try:
                session.add(photo)
                await session.flush()
            except BaseException:
                photo_files.discard(self._config.data_dir, file_name)
                raise
        return photo

    async def photo_file(self, principal: Principal | None, location_id: str, photo_id: str) -> PhotoFile:
        async with self._db.read() as session:
            await self.visible(session, principal, location_id, stale_before=self.stale_before())
            photo = await self._photo(session, location_id, photo_id)
        return PhotoFile(photo_files.photo_dir(self._config.data_dir) / photo.file_name, photo.content_type)

    async def delete_photo(self, principal: Principal, location_id: str, photo_id: str) -> None:
        async with self._db.write() as session:
            await self._own(session, principal, location_id)
            photo = await self._photo(session, location_id, photo_id)
            await session.delete(photo)
        photo_files.discard(self._config.data_dir, photo.file_name)

    @staticmethod
    async def _own(session: AsyncSession, principal: Principal, location_id: str) -> Location:
        location = await session.get(Location, location_id)
        if location is None or location.host_id != principal.user_id:
            raise not_found("listing")
        return location

    def stale_before(self) -> datetime:
        """Listings last confirmed before this moment are stale now (see `visible`)."""
        return self.rules.stale_before(self.clock())

    @staticmethod
    async def visible(
        session: AsyncSession, principal: Principal | None, location_id: str, *, stale_before: datetime
    ) -> Location:
        """The listing, if the principal may see it; `stale_before`: a listing confirmed earlier is hidden."""
        location = await session.get(Location, location_id)
        if location is None:
            raise not_found("listing")
        if principal is not None and (principal.is_admin or principal.user_id == location.host_id):
            return location
        if location.removed_at is not None or location.availability_confirmed_at < stale_before:
            raise not_found("listing")
        if location.publish:
            return location
        if principal is not None and await session.scalar(
            select(
                exists().where(LocationInvite.location_id == location_id, LocationInvite.user_id == principal.user_id)
            )
        ):
            return location
        raise not_found("listing")

    @staticmethod
    async def _photo(session: AsyncSession, location_id: str, photo_id: str) -> Photo:
        photo = await session.get(Photo, photo_id)
        if photo is None or photo.location_id != location_id:
            raise not_found("photo")
        return photo

"""Deleting an account, in the database: the account's own rows go, what others or the law need stays under an
anonymised account.

The account row is kept (bookings, sessions and CDRs refer to it) but says nothing about the person any more:
its email becomes an address that cannot receive mail, its name "Deleted user", and its password matches none.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import LoginFailure, User
from ..db.schema import metadata
from ..listings.tables import Location, Photo
from .holdings import HOLDINGS, Erasure

DELETED_NAME = "Deleted user"
_NO_PASSWORD = "!"  # noqa: S105 (no argon2 hash: verification of any password fails)


async def erase(session: AsyncSession, user: User, at: datetime) -> list[str]:
    """Deletes and anonymises in `session`'s transaction; returns the photo files to remove after commit."""
    photo_files = await _scrub_listings(session, user.id)
    for holding in HOLDINGS:
        if holding.erasure is Erasure.DELETE:
            table = metadata.tables[holding.table]
            await session.execute(delete(table).where(table.c[holding.column] == user.id))
    await session.execute(delete(LoginFailure).where(LoginFailure.key == f"email:{user.email}"))
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            email=f"deleted-{user.id}@deleted.invalid",
            name=DELETED_NAME,
            password_hash=_NO_PASSWORD,
            is_host=False,
            is_driver=False,
            is_admin=False,
            deleted_at=at,
        )
    )
    return photo_files


async def _scrub_listings(session: AsyncSession, host_id: int) -> list[str]:
    """The host's listings (already removed from search) lose what tells where and who the host is: photos,
    names, directions, the street address; the town stays, and the position only to about a kilometre."""
    location_ids = list(await session.scalars(select(Location.id).where(Location.host_id == host_id)))
    if not location_ids:
        return []
    files = list(await session.scalars(select(Photo.file_name).where(Photo.location_id.in_(location_ids))))
    await session.execute(delete(Photo).where(Photo.location_id.in_(location_ids)))
    invites = metadata.tables["location_invites"]
    await session.execute(delete(invites).where(invites.c.location_id.in_(location_ids)))
    for location in await session.scalars(select(Location).where(Location.id.in_(location_ids))):
        location.name = None
        location.address = ""
        location.postal_code = None
        location.state = None
        location.directions = []
        location.operator = None
        location.access_instructions = None
        location.house_rules = None
        location.latitude = f"{float(location.latitude):.2f}"
        location.longitude = f"{float(location.longitude):.2f}"
    return files

"""A user's data: the download of all of it, and the deletion of the account.

Deleting goes through the services a user would use by hand first (their open bookings are canceled as per the
terms, which tells the other party; their listings are removed from search), then erases the rest in one
transaction. Each step can be repeated, so a deletion cut short is finished by asking again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.passwords import verify_password
from ..accounts.principal import Principal
from ..accounts.tables import User
from ..bookings.lifecycle import Status
from ..bookings.service import Bookings
from ..bookings.tables import Booking
from ..charging.tables import ChargingSession
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..listings import photo_files
from ..listings.service import Listings
from ..listings.tables import Location
from ..web.errors import ApiError, conflict, not_found
from .erasure import erase
from .export import EXPORT_FORMAT, export_rows

_CANCEL_REASON = "UNKNOWN"  # OCPI has no "account closed"; both sides may give UNKNOWN


class Privacy:
    def __init__(
        self,
        db: Database,
        config: HubConfig,
        bookings: Bookings,
        listings: Listings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._db = db
        self._config = config
        self._bookings = bookings
        self._listings = listings
        self._clock = clock

    async def export(self, user_id: int) -> dict[str, Any]:
        async with self._db.read() as session:
            tables = await export_rows(session, user_id)
        return {"format": EXPORT_FORMAT, "exported_at": self._clock().isoformat(), "user_id": user_id, "tables": tables}

    async def delete_account(self, principal: Principal, password: str) -> None:
        """Refused while a session charges on the account's side (its CDR is still to come)."""
        user_id = principal.user_id
        async with self._db.read() as session:
            user = await session.get(User, user_id)
            if user is None or user.deleted_at is not None:
                raise not_found("account")
            if not verify_password(user.password_hash, password):
                raise ApiError(403, "wrong_password", "The password is wrong.", "password")
            await _refuse_while_charging(session, user_id)
            open_bookings = await _open_bookings(session, user_id)
            listings = list(
                await session.scalars(
                    select(Location.id).where(Location.host_id == user_id, Location.removed_at.is_(None))
                )
            )
        for booking_id in open_bookings:
            await self._cancel(principal, booking_id)
        for location_id in listings:
            await self._listings.remove(principal, location_id)
        async with self._db.write() as session:
            user = await session.get(User, user_id, with_for_update=True)
            assert user is not None
            await _refuse_while_charging(session, user_id)
            if await _open_bookings(session, user_id):
                raise conflict("changed_meanwhile", "A booking was made while deleting; ask again.")
            files = await erase(session, user, self._clock())
        for file_name in files:
            photo_files.discard(self._config.data_dir, file_name)

    async def _cancel(self, principal: Principal, booking_id: str) -> None:
        try:
            await self._bookings.cancel(principal, booking_id, _CANCEL_REASON)
        except ApiError as error:
            if error.code != "not_cancelable":  # it ended meanwhile: nothing left to cancel
                raise


async def _refuse_while_charging(session: AsyncSession, user_id: int) -> None:
    charging = await session.scalar(
        select(ChargingSession.id).where(
            or_(ChargingSession.driver_id == user_id, ChargingSession.host_id == user_id),
            ChargingSession.end_date_time.is_(None),
        )
    )
    if charging is not None:
        raise conflict("session_active", "A charging session is still running; delete the account after it.")


async def _open_bookings(session: AsyncSession, user_id: int) -> list[str]:
    """Bookings still holding a slot, made by the user or at the user's chargers."""
    return list(
        await session.scalars(
            select(Booking.id)
            .join(Location, Location.id == Booking.location_id)
            .where(
                or_(Booking.driver_id == user_id, Location.host_id == user_id),
                Booking.reservation_status.in_((Status.PENDING, Status.RESERVED)),
            )
        )
    )

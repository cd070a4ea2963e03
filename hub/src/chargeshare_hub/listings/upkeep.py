"""Keeping a listing current (see `health`): the host confirms it, Home Assistant reports live statuses, and
hosts of listings about to go stale are reminded, once per confirmation, by a periodic sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..notifications.inbox import notify
from ..search.read_model import refresh_location
from .health import HealthRules
from .live_statuses import LiveReport, own_live_listing, record_live_status
from .ocpi_json import LoadedListing
from .rows import confirm_availability, load_listing
from .tables import Evse, Location


class Upkeep:
    def __init__(self, db: Database, config: HubConfig, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self.rules = HealthRules.from_config(config)
        self.clock = clock

    async def confirm(self, principal: Principal, location_id: str) -> LoadedListing:
        """The host stands behind the listing as it is: it is no longer stale, and the statuses the host typed
        in count as just said (live ones keep their own time)."""
        now = self.clock()
        async with self._db.write() as session:
            location = own_live_listing(await session.get(Location, location_id), principal.user_id)
            confirm_availability(location, now)
            await session.execute(
                update(Evse)
                .where(Evse.location_id == location_id, Evse.status_live.is_(False))
                .values(status_updated_at=now)
            )
            await refresh_location(session, location_id)
            return await load_listing(session, location)

    async def live_status(self, principal: Principal, location_id: str, evse_uid: str, status: str) -> str:
        """Records a status the host's Home Assistant observed; returns the EVSE's status (OUTOFORDER while a
        fault report is open). A live report also shows the host is still there: it confirms the listing."""
        now = self.clock()
        async with self._db.write() as session:
            report = LiveReport(principal.user_id, location_id, evse_uid, status, at=now)
            return (await record_live_status(session, report, now)).status

    async def remind_stale(self) -> int:
        """Tells each host whose listing goes stale within `remind_before` (or went stale unnoticed), once per
        confirmation; returns how many were told. Rows another hub instance is reminding are skipped."""
        now = self.clock()
        async with self._db.write() as session:
            due = await session.scalars(
                select(Location)
                .where(
                    Location.removed_at.is_(None),
                    Location.stale_reminder_sent_at.is_(None),
                    Location.availability_confirmed_at <= now - (self.rules.stale_after - self.rules.remind_before),
                )
                .order_by(Location.availability_confirmed_at)
                .with_for_update(skip_locked=True)
            )
            count = 0
            for location in due:
                await self._remind(session, location, now)
                count += 1
            return count

    async def _remind(self, session: AsyncSession, location: Location, now: datetime) -> None:
        hidden_at = self.rules.hidden_at(location.availability_confirmed_at)
        name = location.name or f"{location.address}, {location.city}"
        when = "is hidden from drivers since" if hidden_at <= now else "will be hidden from drivers on"
        await notify(
            session,
            location.host_id,
            kind="listing.stale_reminder",
            subject=f"Is {name} still available to share?",
            body=f"You have not confirmed your listing {name} for a while: it {when} {hidden_at:%Y-%m-%d %H:%M} UTC. "
            "Confirm it is still available (or update it) to keep it visible.",
            link=f"/listings/{location.id}",
        )
        location.stale_reminder_sent_at = now

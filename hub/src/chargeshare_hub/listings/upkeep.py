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
from ..events.kinds import record_evse_status
from ..faults.holds import hold_faulted_evses
from ..notifications.inbox import notify
from ..search.read_model import refresh_location
from ..web.errors import bad_request, conflict, not_found
from .health import HealthRules
from .ocpi_json import LoadedListing
from .rows import confirm_availability, load_listing, set_status
from .tables import Evse, Location

# What Home Assistant may report: retiring an EVSE (REMOVED) is the host's change of the listing.
LIVE_STATUSES = ("AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "RESERVED", "UNKNOWN")


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
            location = await _own_live_listing(session, principal.user_id, location_id)
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
            evse = await record_live_status(session, principal.user_id, location_id, evse_uid, status, at=now, now=now)
            return evse.status

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


async def record_live_status(
    session: AsyncSession, host_id: int, location_id: str, evse_uid: str, status: str, *, at: datetime, now: datetime
) -> Evse:
    """The live status of the host's EVSE as observed `at` (the link passes the charger's time, which a resend
    after an outage keeps: an old observation is not shown as fresh); pushed to the event stream. A report older
    than the live status already recorded changes nothing: resends arrive late."""
    if status not in LIVE_STATUSES:
        raise bad_request("invalid", f"A live status is one of {', '.join(LIVE_STATUSES)}.", "status")
    location = await _own_live_listing(session, host_id, location_id)
    evse = await session.scalar(select(Evse).where(Evse.location_id == location_id, Evse.uid == evse_uid))
    if evse is None:
        raise not_found("EVSE")
    if evse.status == "REMOVED":
        raise conflict("evse_removed", "This EVSE was removed from the listing.")
    at = min(at, now)
    if evse.status_live and evse.status_updated_at > at:
        return evse
    set_status(evse, status, at, live=True)
    await session.flush()
    await hold_faulted_evses(session, location_id, now)
    confirm_availability(location, now)
    await refresh_location(session, location_id)
    await record_evse_status(session, location, evse, now)
    return evse


async def _own_live_listing(session: AsyncSession, host_id: int, location_id: str) -> Location:
    location = await session.get(Location, location_id)
    if location is None or location.host_id != host_id:
        raise not_found("listing")
    if location.removed_at is not None:
        raise conflict("removed", "This listing was removed; create a new one.")
    return location

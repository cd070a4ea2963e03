"""The events browsers get, as written to the log: an EVSE's status, and a charging session's progress."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..charging.tables import ChargingSession
from ..listings.ocpi_json import ocpi_time
from ..listings.tables import Evse, Location, LocationInvite
from .log import Audience, record_event

EVSE_STATUS = "evse.status"
SESSION_PROGRESS = "session.progress"


async def record_evse_statuses(session: AsyncSession, changes: Sequence[tuple[Location, Evse]], now: datetime) -> None:
    """An event per EVSE: for anyone when its listing is published; else for its host and the drivers it invites."""
    private = sorted({location.id for location, _ in changes if not location.publish})
    invited: dict[str, list[int]] = defaultdict(list)
    if private:
        rows = await session.execute(
            select(LocationInvite.location_id, LocationInvite.user_id).where(LocationInvite.location_id.in_(private))
        )
        for location_id, user_id in rows:
            invited[location_id].append(user_id)
    for location, evse in changes:
        payload = {
            "location_id": location.id,
            "evse_uid": evse.uid,
            "status": evse.status,
            "status_updated_at": ocpi_time(evse.status_updated_at),
        }
        if location.publish:
            record_event(session, EVSE_STATUS, payload, now=now, location_id=location.id)
        else:
            record_event(
                session,
                EVSE_STATUS,
                payload,
                now=now,
                audience=Audience.PRIVATE,
                user_ids=[location.host_id, *invited[location.id]],
                location_id=location.id,
            )


def record_session_progress(session: AsyncSession, row: ChargingSession, now: datetime, power_w: int | None) -> None:
    """For the session's host and its driver (when a booking's id tag started it)."""
    payload = {
        "session_id": row.id,
        "location_id": row.location_id,
        "evse_uid": row.evse_uid,
        "status": row.status,
        "start_date_time": ocpi_time(row.start_date_time),
        "end_date_time": None if row.end_date_time is None else ocpi_time(row.end_date_time),
        "kwh": row.energy_wh / 1000,
        "power_w": power_w,
        "last_updated": ocpi_time(row.last_updated),
    }
    users = [row.host_id] if row.driver_id is None else [row.host_id, row.driver_id]
    record_event(
        session,
        SESSION_PROGRESS,
        payload,
        now=now,
        audience=Audience.PRIVATE,
        user_ids=users,
        location_id=row.location_id,
    )

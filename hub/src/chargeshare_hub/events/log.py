"""Writing to the event log, in the transaction of the change an event tells about, and waking this process's
feeds once that transaction has committed (an event is not there to read before).

Feeds of other processes find the rows at their next poll; every feed of this process is woken (tests run several
hubs in one process): one with nothing new just finds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ..db.commit_signal import CommitSignal
from .tables import HubEvent

EVENTS_RECORDED = CommitSignal("events_recorded")


class Audience(StrEnum):
    PUBLIC = "public"  # anyone may see it
    PRIVATE = "private"  # only the event's users
    INTERNAL = "internal"  # the hub's own processes, never a browser


def record_event(
    session: AsyncSession,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    audience: Audience = Audience.PUBLIC,
    user_ids: Iterable[int] = (),
    location_id: str | None = None,
) -> HubEvent:
    """The event's row (numbered once flushed)."""
    row = HubEvent(
        kind=kind,
        audience=audience,
        user_ids=sorted(set(user_ids)),
        location_id=location_id,
        payload=payload,
        created_at=now,
    )
    session.add(row)
    EVENTS_RECORDED.mark(session)
    return row

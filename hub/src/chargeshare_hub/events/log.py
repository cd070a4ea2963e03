"""Writing to the event log, in the transaction of the change an event tells about, and waking this process's
feeds once that transaction has committed (an event is not there to read before).

Feeds of other processes find the rows at their next poll; every feed of this process is woken (tests run several
hubs in one process): one with nothing new just finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from .tables import HubEvent

_RECORDED = "chargeshare_events_recorded"
_wakers: set[Callable[[], None]] = set()


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
    session.info[_RECORDED] = True
    return row


def add_waker(wake: Callable[[], None]) -> None:
    _wakers.add(wake)


def remove_waker(wake: Callable[[], None]) -> None:
    _wakers.discard(wake)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(_RECORDED, False):
        for wake in list(_wakers):
            wake()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_RECORDED, None)

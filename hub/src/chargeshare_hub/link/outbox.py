"""Queuing a down message for a host's Home Assistant: a row of `link_outbox` in the transaction of the change it
tells about, so it exists exactly when that change does, and an internal event that wakes whichever hub process
holds the host's connection (see `events.feed`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.tables import ApiToken
from ..events.log import Audience, record_event
from .tables import LinkOutbox

OUTBOX_EVENT = "link.outbox"
_PAIRED = "chargeshare_link_paired"  # per transaction: host id -> whether it paired a Home Assistant


async def send_down(session: AsyncSession, host_id: int, type_: str, payload: dict[str, Any], now: datetime) -> None:
    """Queues the message; a host who never paired a Home Assistant gets none. One whose link token was revoked
    still does: the reauth flow pairs it again, and what happened meanwhile must reach it."""
    if not await has_paired(session, host_id):
        return
    session.add(LinkOutbox(host_id=host_id, type=type_, payload=payload, created_at=now))
    record_event(session, OUTBOX_EVENT, {"host_id": host_id}, now=now, audience=Audience.INTERNAL)


async def has_paired(session: AsyncSession, host_id: int) -> bool:
    """Asked once per host and transaction (a group of new bookings asks for each)."""
    known: dict[int, bool] = session.info.setdefault(_PAIRED, {})
    if host_id not in known:
        found = await session.scalar(
            select(ApiToken.id).where(ApiToken.user_id == host_id, ApiToken.scopes.contains("link")).limit(1)
        )
        known[host_id] = found is not None
    return known[host_id]

"""How long the link's bookkeeping and the event log are kept: long enough to serve their purpose, no longer.

- the event log, a day: a browser resumes a stream within seconds or minutes, and what is older is in the
  listings and sessions themselves;
- applied up messages, 30 days (as docs/hub-link.md promises): a resend arrives within the integration's outbox
  lifetime, long before;
- answered down messages, 30 days after their answer, for a look at what reached a host. Unanswered ones stay
  until the host's Home Assistant takes them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from ..db.base import utcnow
from ..db.engine import Database
from ..events.tables import HubEvent
from .tables import LinkOutbox, LinkReceived

EVENTS_KEPT = timedelta(days=1)
LINK_KEPT = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Pruned:
    events: int
    received: int
    sent: int

    def __bool__(self) -> bool:
        """Whether anything was deleted (worth a line in the log)."""
        return bool(self.events or self.received or self.sent)


class Retention:
    def __init__(self, db: Database, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._clock = clock

    async def prune(self) -> Pruned:
        now = self._clock()
        async with self._db.write() as session:
            events = await session.execute(delete(HubEvent).where(HubEvent.created_at < now - EVENTS_KEPT))
            received = await session.execute(delete(LinkReceived).where(LinkReceived.applied_at < now - LINK_KEPT))
            sent = await session.execute(delete(LinkOutbox).where(LinkOutbox.acked_at < now - LINK_KEPT))
        return Pruned(events.rowcount, received.rowcount, sent.rowcount)

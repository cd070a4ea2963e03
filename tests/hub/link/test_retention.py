"""The link's bookkeeping is kept as long as it serves: the event log a day, applied up messages and answered
down messages 30 days; a down message Home Assistant has not taken yet stays however old."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chargeshare_hub.events.log import record_event
from chargeshare_hub.events.tables import HubEvent
from chargeshare_hub.link.retention import Retention
from chargeshare_hub.link.tables import LinkOutbox, LinkReceived
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor

from .helpers import count


async def test_old_rows_go_and_unanswered_down_messages_stay(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    db = client.server.app[HUB].db
    long_ago = clock.now - timedelta(days=31)
    async with db.write() as session:
        record_event(session, "evse.status", {}, now=clock.now - timedelta(days=2))
        record_event(session, "evse.status", {}, now=clock.now - timedelta(hours=1))
        session.add(LinkReceived(host_id=host.user_id, message_id="old", applied_at=long_ago))
        session.add(LinkReceived(host_id=host.user_id, message_id="new", applied_at=clock.now))
        session.add(
            LinkOutbox(host_id=host.user_id, type="cdr.issued", payload={}, created_at=long_ago, acked_at=long_ago)
        )
        session.add(LinkOutbox(host_id=host.user_id, type="cdr.issued", payload={}, created_at=long_ago))

    pruned = await Retention(db, clock).prune()

    assert (pruned.events, pruned.received, pruned.sent) == (1, 1, 1)
    assert (await count(client, HubEvent), await count(client, LinkReceived)) == (1, 1)
    assert await count(client, LinkOutbox, LinkOutbox.acked_at.is_(None)) == 1

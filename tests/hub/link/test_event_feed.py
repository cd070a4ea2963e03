"""The event log is read in sequence order: a number taken by a transaction that has not committed yet (PostgreSQL
numbers rows at insert) is waited for, so that a browser resuming after an id misses nothing; a number that never
comes (a rollback) is passed over after a short wait."""

from __future__ import annotations

import time
from typing import Any

from chargeshare_hub.events.feed import FEED, GAP_WAIT_S
from chargeshare_hub.events.log import Audience, record_event
from chargeshare_hub.events.tables import HubEvent
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock

from .helpers import event_stream


async def _record(client: Any, clock: Clock, seq: int | None = None) -> None:
    async with client.server.app[HUB].db.write() as session:
        if seq is None:
            record_event(session, "evse.status", {"n": "auto"}, now=clock.now)
        else:  # as if another transaction had taken the number earlier and committed only now
            session.add(HubEvent(seq=seq, kind="evse.status", audience="public", user_ids=[], payload={"n": seq},
                                 created_at=clock.now))  # fmt: skip


async def test_an_event_committed_late_under_a_lower_number_comes_first(client: Any, clock: Clock) -> None:
    async with event_stream(client) as stream:
        await _record(client, clock)
        first = await stream.next()
        await _record(client, clock, first["id"] + 2)
        await _record(client, clock, first["id"] + 1)
        events = [await stream.next(), await stream.next()]

    assert [event["id"] for event in events] == [first["id"] + 1, first["id"] + 2]


async def test_a_number_that_never_commits_is_passed_over_after_a_short_wait(client: Any, clock: Clock) -> None:
    async with event_stream(client) as stream:
        await _record(client, clock)
        first = await stream.next()
        started = time.monotonic()
        await _record(client, clock, first["id"] + 2)
        after_gap = await stream.next(wait=GAP_WAIT_S + 3)
        waited = time.monotonic() - started

    assert after_gap["id"] == first["id"] + 2
    assert GAP_WAIT_S <= waited < GAP_WAIT_S + 2


async def test_internal_events_never_reach_a_browser(client: Any, clock: Clock) -> None:
    async with event_stream(client) as stream:
        async with client.server.app[HUB].db.write() as session:
            record_event(session, "link.outbox", {"host_id": 1}, now=clock.now, audience=Audience.INTERNAL)
        assert await stream.none_within(0.5)


async def test_a_last_event_id_that_is_not_a_number_is_refused(client: Any) -> None:
    response = await client.get("/api/v1/events", headers={"Last-Event-ID": "yesterday"})

    assert (response.status, (await response.json())["error"]["field"]) == (400, "Last-Event-ID")


async def test_streams_end_when_the_hub_stops(client: Any) -> None:
    async with event_stream(client) as stream:
        await client.server.app[FEED].stop()
        rest = await stream.response.content.read()  # returns: the stream ended

    assert rest == b"retry: 2000\n\n"

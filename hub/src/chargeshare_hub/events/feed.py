"""Each hub process tails the event log and hands new events to its subscribers (browsers on the SSE stream,
the link's connections), in sequence order.

The tail reads `seq > cursor` when woken by a commit of this process, and every `poll_s` for what other processes
wrote. On PostgreSQL a sequence number is taken when a row is inserted, not when it commits, so a lower number can
appear after a higher one: a gap in the numbers is waited for (`gap_wait_s`) before it is passed over (a rolled
back transaction leaves one for good). SQLite has a single writer and leaves no gaps.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import datetime
import logging
import time
from typing import Any

from aiohttp import web
from sqlalchemy import func, select

from ..db.engine import Database
from .log import EVENTS_RECORDED, Audience
from .tables import HubEvent

_LOGGER = logging.getLogger(__name__)
POLL_S = 0.5
GAP_WAIT_S = 1.0
BATCH = 1000
STOP_WAIT_S = 10.0
QUEUE_LIMIT = 10_000  # a subscriber this far behind is dropped; a browser resumes with Last-Event-ID


@dataclass(frozen=True, slots=True)
class Event:
    seq: int
    kind: str
    audience: Audience
    user_ids: tuple[int, ...]
    location_id: str | None
    payload: dict[str, Any]
    created_at: datetime


Accept = Callable[[Event], bool]


class Subscription:
    """Events from after `after` that `accept` lets through, until closed (feed stopped, or fallen behind)."""

    def __init__(self, accept: Accept, after: int) -> None:
        self.accept = accept
        self.after = after
        self.closed = False
        self._queue: asyncio.Queue[Event | None] = asyncio.Queue()

    def offer(self, event: Event) -> None:
        if self.closed or not self.accept(event):
            return
        if self._queue.qsize() >= QUEUE_LIMIT:
            self.close()
            return
        self._queue.put_nowait(event)

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._queue.put_nowait(None)

    async def next(self, timeout_s: float) -> Event | None:
        """The next event; None when none came within `timeout_s` or the subscription is closed."""
        if self.closed and self._queue.empty():
            return None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout_s):
                return await self._queue.get()
        return None


class EventFeed:
    def __init__(self, db: Database, *, poll_s: float = POLL_S, gap_wait_s: float = GAP_WAIT_S) -> None:
        self._db = db
        self._poll_s = poll_s
        self._gap_wait_s = gap_wait_s
        self._cursor = 0
        self._fresh = True  # no event seen yet: the first one read starts the sequence, whatever its number
        self._gap: tuple[int, float] | None = None  # the number waited for, since when (monotonic)
        self._subscriptions: set[Subscription] = set()
        self._open = True
        self._listeners: list[Callable[[Event], None]] = []
        self._woken = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def cursor(self) -> int:
        """The last event handed out."""
        return self._cursor

    def subscribe(self, accept: Accept) -> Subscription:
        subscription = Subscription(accept, self._cursor)
        if not self._open:
            subscription.close()
        else:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)
        subscription.close()

    def close_subscriptions(self) -> None:
        """Ends every stream, and any opened from now on: the hub is shutting down."""
        self._open = False
        for subscription in list(self._subscriptions):
            self.unsubscribe(subscription)

    def listen(self, listener: Callable[[Event], None]) -> None:
        """`listener` is called with every event, internal ones included, as the feed reads it."""
        self._listeners.append(listener)

    def wake(self) -> None:
        self._woken.set()

    async def start(self) -> None:
        async with self._db.read() as session:
            newest = await session.scalar(select(func.max(HubEvent.seq)))
        if newest is not None:
            self._cursor, self._fresh = newest, False
        EVENTS_RECORDED.add_waker(self.wake)
        self._task = asyncio.create_task(self._run(), name="event feed")

    async def stop(self) -> None:
        """Closes every subscription (their streams end) and stops reading."""
        EVENTS_RECORDED.remove_waker(self.wake)
        self._stopping.set()
        self._woken.set()
        self.close_subscriptions()
        if self._task is not None:
            # Told, not cancelled: a read ends within moments, and a cancellation that reaches SQLAlchemy's pool
            # while it hands a connection back can leave that connection (and its thread) behind.
            await asyncio.wait({self._task}, timeout=STOP_WAIT_S)
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def replay(self, after: int, upto: int, location_id: str | None = None) -> list[Event]:
        """Events numbered after `after` up to `upto`, oldest first, at most BATCH of them: a browser catching up
        asks again from the last one it got."""
        statement = select(HubEvent).where(
            HubEvent.seq > after, HubEvent.seq <= upto, HubEvent.audience != Audience.INTERNAL
        )
        if location_id is not None:
            statement = statement.where(HubEvent.location_id == location_id)
        async with self._db.read() as session:
            rows = await session.execute(statement.order_by(HubEvent.seq).limit(BATCH))
            return [_event(row) for row in rows.scalars()]

    async def _run(self) -> None:
        while not self._stopping.is_set():
            self._woken.clear()  # before the read: a commit during it wakes the next one at once
            try:
                await self._read()
            except Exception:
                _LOGGER.exception("Reading the event log failed; trying again")
            wait = self._poll_s if self._gap is None else min(self._poll_s, self._gap_wait_s / 4)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._woken.wait()

    async def _read(self) -> None:
        while True:
            async with self._db.read() as session:
                rows = (
                    await session.execute(
                        select(HubEvent).where(HubEvent.seq > self._cursor).order_by(HubEvent.seq).limit(BATCH)
                    )
                ).scalars()
                events = [_event(row) for row in rows]
            handed = self._hand_out(events)
            if handed < BATCH:
                return

    def _hand_out(self, events: Sequence[Event]) -> int:
        """Hands out events in order up to the first gap still waited for; returns how many went out."""
        count = 0
        for event in events:
            if not self._fresh and event.seq != self._cursor + 1 and not self._gap_waited(self._cursor + 1):
                break
            self._gap, self._fresh, self._cursor = None, False, event.seq
            for listener in self._listeners:
                try:
                    listener(event)
                except Exception:  # one listener's bug must not stop the others, nor the feed
                    _LOGGER.exception("A listener failed on event %s", event.seq)
            if event.audience != Audience.INTERNAL:
                for subscription in list(self._subscriptions):
                    subscription.offer(event)
                    if subscription.closed:
                        self._subscriptions.discard(subscription)
            count += 1
        return count

    def _gap_waited(self, missing: int) -> bool:
        now = time.monotonic()
        if self._gap is None or self._gap[0] != missing:
            self._gap = (missing, now)
        return now - self._gap[1] >= self._gap_wait_s


def _event(row: HubEvent) -> Event:
    return Event(
        seq=row.seq,
        kind=row.kind,
        audience=Audience(row.audience),
        user_ids=tuple(row.user_ids),
        location_id=row.location_id,
        payload=row.payload,
        created_at=row.created_at,
    )


FEED: web.AppKey[EventFeed] = web.AppKey("event_feed", EventFeed)


def install_feed(app: web.Application, db: Database) -> EventFeed:
    """The app's feed, running from startup to cleanup; its subscriptions close at shutdown, so that open
    streams end instead of holding the shutdown up."""
    feed = EventFeed(db)
    app[FEED] = feed

    async def running(_app: web.Application) -> AsyncIterator[None]:
        await feed.start()
        yield
        await feed.stop()

    async def closing() -> None:
        feed.close_subscriptions()

    app.cleanup_ctx.append(running)
    app.on_shutdown.append(lambda _app: closing())
    return feed

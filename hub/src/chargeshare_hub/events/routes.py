"""The live event stream (Server-Sent Events): EVSE statuses of listings for anyone who may see them, a charging
session's progress for its driver and host. Each event's `id:` is the hub's global sequence number; a browser
that reconnects sends it back as `Last-Event-ID` and gets what it missed (for as long as the log keeps it)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.errors import bad_request
from .feed import BATCH, FEED, Accept, Event
from .log import Audience

routes = Routes("events")

KEEPALIVE_S = 15.0  # a comment line this often: proxies keep the stream open, and a gone browser is noticed
RETRY_MS = 2000  # how long a browser waits before reconnecting


@routes.operation(
    "GET",
    "/api/v1/events",
    summary="Live events as text/event-stream: `evse.status` of listings, `session.progress` of the caller's own "
    "sessions (driver or host); `id:` is the hub's sequence, sent back as Last-Event-ID to resume",
    scope=None,
    query=(
        {"name": "location_id", "schema": {"type": "string"}, "description": "only this listing's events"},
        {"name": "last_event_id", "schema": {"type": "integer"}, "description": "as the Last-Event-ID header"},
    ),
    responses={200: "The event stream, until the client leaves or the hub stops"},
)
async def event_stream(request: web.Request, principal: Principal | None, _body: Any) -> web.StreamResponse:
    feed = request.app[FEED]
    location_id = request.query.get("location_id")
    last_seen = _last_event_id(request)
    accept = _accept(principal, location_id)
    subscription = feed.subscribe(accept)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
    try:
        await response.prepare(request)
        await response.write(f"retry: {RETRY_MS}\n\n".encode())
        after = subscription.after if last_seen is None else last_seen
        while after < subscription.after:  # catching up from the log, then live from the subscription
            missed = await feed.replay(after, subscription.after, location_id)
            for earlier in missed:
                if accept(earlier):
                    await response.write(_frame(earlier))
            after = missed[-1].seq if len(missed) == BATCH else subscription.after
        while True:
            event = await subscription.next(KEEPALIVE_S)
            if event is not None:
                await response.write(_frame(event))
            elif subscription.closed:
                break  # the hub is stopping, or the browser fell too far behind: it reconnects and resumes
            else:
                await response.write(b": keepalive\n\n")
    except ConnectionResetError:
        pass  # the browser went away
    finally:
        feed.unsubscribe(subscription)
    return response


def _last_event_id(request: web.Request) -> int | None:
    text = request.headers.get("Last-Event-ID", request.query.get("last_event_id"))
    if text is None or not text.strip():
        return None
    if not text.strip().isdigit():
        raise bad_request("invalid", "Last-Event-ID is an event's id: a whole number.", "Last-Event-ID")
    return int(text)


def _accept(principal: Principal | None, location_id: str | None) -> Accept:
    user_id = None if principal is None else principal.user_id

    def accept(event: Event) -> bool:
        if location_id is not None and event.location_id != location_id:
            return False
        return event.audience == Audience.PUBLIC or (user_id is not None and user_id in event.user_ids)

    return accept


def _frame(event: Event) -> bytes:
    data = json.dumps(event.payload, separators=(",", ":"), ensure_ascii=False)
    return f"id: {event.seq}\nevent: {event.kind}\ndata: {data}\n\n".encode()

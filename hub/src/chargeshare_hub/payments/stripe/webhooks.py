"""The aiohttp handler for Stripe's webhook endpoint: verify the signature, read the event, hand it on.

Answers 400 to a request that is not signed with the endpoint's secret (or was signed too long ago) or whose
body is not a readable event, 200 once the event is handled, and 200 without handling for event types the hub
does not act on, so Stripe stops sending them. When handling fails the error propagates (a 500), and Stripe
sends the event again later, for up to three days.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
import time

from aiohttp import web

from ...web.errors import error_response
from .events import EventError, StripeEvent, parse_event
from .signature import HEADER, TOLERANCE_S, SignatureError, verify_signature

EventCallback = Callable[[StripeEvent], Awaitable[None]]
Handler = Callable[[web.Request], Awaitable[web.Response]]


def webhook_handler(
    secret: str,
    on_event: EventCallback,
    *,
    clock: Callable[[], float] = time.time,
    tolerance_s: float = TOLERANCE_S,
) -> Handler:
    """A handler for the endpoint whose signing secret (`whsec_...`) is `secret`; `on_event` gets each event
    the hub acts on, and must be idempotent (Stripe may send an event more than once)."""
    if not secret:
        raise ValueError("A Stripe webhook endpoint needs its signing secret.")

    async def handle(request: web.Request) -> web.Response:
        payload = await request.read()
        try:
            verify_signature(payload, request.headers.get(HEADER, ""), secret, now=clock(), tolerance_s=tolerance_s)
        except SignatureError as err:
            return error_response(400, "invalid_signature", str(err), HEADER)
        try:
            event = parse_event(payload)
        except EventError as err:
            return error_response(400, "invalid_event", str(err))
        if event is not None:
            await on_event(event)
        return web.json_response({"received": True, "handled": event is not None})

    return handle

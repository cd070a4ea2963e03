"""The API of the waitlist: join at a listing, read and leave one's entries, accept an offered slot."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..bookings.ocpi_json import booking_json
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import not_found
from .documents import JOIN_SCHEMA, entry_json

routes = Routes("waitlist")

_ENTRY = "/api/v1/waitlist/{entry_id}"


@routes.operation(
    "POST", "/api/v1/listings/{location_id}/waitlist", summary="Wait for a slot at a listing where none is free",
    scope="bookings", body=JOIN_SCHEMA,
    responses={201: "Waiting", 409: "A fitting slot is free (book it), or the driver already waits here then"},
)  # fmt: skip
async def join_waitlist(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).waitlist.join(principal, request.match_info["location_id"], body)
    return web.json_response(entry_json(view), status=201)


@routes.operation("GET", "/api/v1/waitlist", summary="The driver's waitlist entries, newest first", scope="bookings")
async def list_waitlist(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    views = await hub_of(request).waitlist.list(principal)
    return web.json_response({"entries": [entry_json(view) for view in views]})


@routes.operation("GET", _ENTRY, summary="One of the driver's waitlist entries", scope="bookings")
async def get_waitlist_entry(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).waitlist.get(principal, _entry_id(request))
    return web.json_response(entry_json(view))


@routes.operation(
    "DELETE", _ENTRY, summary="Leave the waitlist (an open offer passes to the next driver)", scope="bookings",
    responses={204: "Left"},
)  # fmt: skip
async def leave_waitlist(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).waitlist.leave(principal, _entry_id(request))
    return web.Response(status=204)


@routes.operation(
    "POST", f"{_ENTRY}/accept", summary="Book the slot offered to the entry", scope="bookings",
    responses={201: "Booked", 409: "No open offer, it ran out, or the slot was taken meanwhile (the entry waits on)"},
)  # fmt: skip
async def accept_waitlist_offer(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    hub = hub_of(request)
    view = await hub.waitlist.accept(principal, _entry_id(request))
    return web.json_response(booking_json(view, base_url=hub.config.base_url), status=201)


def _entry_id(request: web.Request) -> int:
    text = request.match_info["entry_id"]
    if not text.isdigit() or len(text) > 18:
        raise not_found("waitlist entry")
    return int(text)

"""The API of bookings (OCPI 2.3 Booking shape) and of a listing's booking terms."""

from __future__ import annotations

import io
from typing import Any

from aiohttp import web
import segno

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request
from .lifecycle import Status
from .ocpi_json import BookingView, booking_json, qr_link
from .periods import PERIOD_SCHEMA
from .terms import TERMS_SCHEMA, terms_json

routes = Routes("bookings")

_TERMS = "/api/v1/listings/{location_id}/booking-terms"
_BOOKING = "/api/v1/bookings/{booking_id}"
_CREATE_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["location_id", "period"],
    "properties": {
        "location_id": {"type": "string", "maxLength": 36},
        "evse_uid": {"type": "string", "maxLength": 36},
        "connector_id": {"type": "string", "maxLength": 36},
        "period": PERIOD_SCHEMA,
    },
}
_CHANGE_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["period"],
    "properties": {"period": PERIOD_SCHEMA},
}
_CANCEL_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["cancellation_reason"],
    "properties": {"cancellation_reason": {"type": "string", "maxLength": 20}},
}


@routes.operation("GET", _TERMS, summary="A listing's booking terms, for anyone who can see it", scope=None)
async def get_booking_terms(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    terms = await hub_of(request).bookings.terms(principal, request.match_info["location_id"])
    return web.json_response(terms_json(terms))


@routes.operation(
    "PUT", _TERMS, summary="Set a listing's booking terms (its host)", scope="listings", body=TERMS_SCHEMA
)
async def set_booking_terms(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    terms = await hub_of(request).bookings.set_terms(principal, request.match_info["location_id"], body)
    return web.json_response(terms_json(terms))


@routes.operation(
    "POST",
    "/api/v1/bookings",
    summary="Book a slot: RESERVED at once, or PENDING until the host answers",
    scope="bookings",
    body=_CREATE_BODY,
    responses={201: "Booked or requested", 409: "The slot is taken (slot_taken) or the charger not bookable"},
)
async def create_booking(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.create(principal, body)
    return _booking_response(request, view, status=201)


@routes.operation(
    "GET", "/api/v1/bookings", summary="The driver's bookings; ?role=host: those at the host's listings",
    scope="bookings",
)  # fmt: skip
async def list_bookings(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    role = request.query.get("role", "driver")
    if role not in {"driver", "host"}:
        raise bad_request("invalid", "role is driver or host.", "role")
    status = request.query.get("status")
    if status is not None and status not in Status.__members__:
        raise bad_request("invalid", f"status is one of {', '.join(Status)}.", "status")
    hub = hub_of(request)
    views = await hub.bookings.list(principal, as_host=role == "host", status=status)
    return web.json_response({"bookings": [booking_json(view, base_url=hub.config.base_url) for view in views]})


@routes.operation("GET", _BOOKING, summary="A booking: its driver, the listing's host, admins", scope="bookings")
async def get_booking(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.get(principal, request.match_info["booking_id"])
    return _booking_response(request, view)


@routes.operation(
    "PATCH", _BOOKING, summary="Ask to move a booking (its driver)", scope="bookings", body=_CHANGE_BODY,
    responses={200: "Moved, or the change waits for the host", 409: "Too late, not allowed, or the slot is taken"},
)  # fmt: skip
async def change_booking(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.change(principal, request.match_info["booking_id"], body)
    return _booking_response(request, view)


@routes.operation(
    "POST", f"{_BOOKING}/approve", summary="Accept the booking's waiting request (the listing's host)",
    scope="bookings",
)  # fmt: skip
async def approve_booking(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.approve(principal, request.match_info["booking_id"])
    return _booking_response(request, view)


@routes.operation(
    "POST", f"{_BOOKING}/decline", summary="Decline the booking's waiting request (the listing's host)",
    scope="bookings",
)  # fmt: skip
async def decline_booking(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.decline(principal, request.match_info["booking_id"])
    return _booking_response(request, view)


@routes.operation(
    "POST", f"{_BOOKING}/cancel", summary="Cancel a booking (its driver, or the listing's host)", scope="bookings",
    body=_CANCEL_BODY,
)  # fmt: skip
async def cancel_booking(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).bookings.cancel(
        principal, request.match_info["booking_id"], body["cancellation_reason"]
    )
    return _booking_response(request, view)


@routes.operation(
    "GET", f"{_BOOKING}/qr.svg", summary="The booking's link as a QR code (SVG)", scope="bookings",
    responses={200: "An SVG image"},
)  # fmt: skip
async def booking_qr(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    hub = hub_of(request)
    view = await hub.bookings.get(principal, request.match_info["booking_id"])
    svg = io.BytesIO()
    segno.make(qr_link(hub.config.base_url, view.booking.id), error="m").save(svg, kind="svg", scale=4, border=2)
    return web.Response(body=svg.getvalue(), content_type="image/svg+xml")


def _booking_response(request: web.Request, view: BookingView, *, status: int = 200) -> web.Response:
    return web.json_response(booking_json(view, base_url=hub_of(request).config.base_url), status=status)

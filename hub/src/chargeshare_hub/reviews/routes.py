"""The API of reviews: writing one for a booking, editing it, the host's reply, and reading them in pages."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request
from .checkins import BY_ID, CHECKIN_STATUSES, checkin_json
from .fields import REPLY_BODY, REVIEW_BODY
from .scores import rating_json
from .service import EDIT_WINDOW, ReviewPage, ReviewView

routes = Routes("reviews")

DEFAULT_LIMIT, MAX_LIMIT = 20, 100
_PAGING = (
    {"name": "limit", "description": f"Reviews per page, at most {MAX_LIMIT}",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
    {"name": "cursor", "description": "The `next` of the previous page", "schema": {"type": "string"}},
)  # fmt: skip
_REVIEW = "/api/v1/reviews/{review_id}"


@routes.operation(
    "POST",
    "/api/v1/bookings/{booking_id}/reviews",
    summary="Review a fulfilled booking: its driver rates the charger and host, its host rates the driver",
    scope="bookings",
    body=REVIEW_BODY,
    responses={
        201: "Reviewed",
        403: "The email address is not verified, or an admin (not a party)",
        409: "Not fulfilled, or reviewed already",
    },
)
async def create_review(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).reviews.create(principal, request.match_info["booking_id"], body)
    return web.json_response(review_json(view), status=201)


@routes.operation("GET", _REVIEW, summary="A review, for whoever may read it", scope=None)
async def get_review(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    view = await hub_of(request).reviews.get(principal, _id(request, "review_id"))
    return web.json_response(review_json(view))


@routes.operation(
    "PUT",
    _REVIEW,
    summary=f"Edit one's review (replaced whole), for {EDIT_WINDOW.days} days after it was written",
    scope="bookings",
    body=REVIEW_BODY,
    responses={200: "Edited", 403: "Not the author", 409: "The time to edit has passed"},
)
async def edit_review(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).reviews.edit(principal, _id(request, "review_id"), body)
    return web.json_response(review_json(view))


@routes.operation(
    "POST",
    f"{_REVIEW}/reply",
    summary="The host's reply to a driver's review of their listing (one per review)",
    scope="listings",
    body=REPLY_BODY,
    responses={201: "Replied", 403: "Not the listing's host", 409: "Replied already, or not a driver's review"},
)
async def create_reply(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).reviews.reply(principal, _id(request, "review_id"), body["body"], first=True)
    return web.json_response(review_json(view), status=201)


@routes.operation(
    "PUT",
    f"{_REVIEW}/reply",
    summary="Edit the host's reply",
    scope="listings",
    body=REPLY_BODY,
    responses={200: "Edited", 403: "Not the listing's host", 404: "No reply yet"},
)
async def edit_reply(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).reviews.reply(principal, _id(request, "review_id"), body["body"], first=False)
    return web.json_response(review_json(view))


@routes.operation(
    "GET",
    "/api/v1/listings/{location_id}/reviews",
    summary="Drivers' reviews of a listing, newest first, with its recency-weighted score",
    scope=None,
    query=_PAGING,
)
async def listing_reviews(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    before, limit = _paging(request)
    page = await hub_of(request).reviews.of_listing(
        principal, request.match_info["location_id"], before=before, limit=limit
    )
    return web.json_response(page_json(page))


@routes.operation(
    "GET",
    "/api/v1/drivers/{driver_id}/reviews",
    summary="Hosts' reviews of a driver: for the driver, and hosts the driver booked or asked to book with",
    scope="bookings",
    query=_PAGING,
)
async def driver_reviews(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    before, limit = _paging(request)
    page = await hub_of(request).reviews.of_driver(principal, _id(request, "driver_id"), before=before, limit=limit)
    return web.json_response(page_json(page))


@routes.operation(
    "GET",
    "/api/v1/checkin-statuses",
    summary="The check-in outcomes a driver's review may give (Open Charge Map's CheckinStatusType)",
    scope=None,
)
async def checkin_statuses(_request: web.Request, _principal: Principal | None, _body: Any) -> web.Response:
    return web.json_response(
        {"checkin_statuses": [checkin_json(status) for status in CHECKIN_STATUSES if not status.automated]}
    )


def review_json(view: ReviewView) -> dict[str, Any]:
    review = view.review
    return {
        "id": review.id,
        "location_id": review.location_id,
        "author": None if view.author_name is None else {"name": view.author_name},
        "author_role": review.author_role,
        "score": review.score,
        "host_score": review.host_score,
        "comment": review.comment,
        "checkin": None if review.checkin_status is None else checkin_json(BY_ID[review.checkin_status]),
        "created_at": review.created_at.isoformat(),
        "updated_at": review.updated_at.isoformat(),
        "editable_until": (review.created_at + EDIT_WINDOW).isoformat(),
        "reply": None
        if review.reply is None or review.replied_at is None or review.reply_updated_at is None
        else {
            "body": review.reply,
            "created_at": review.replied_at.isoformat(),
            "updated_at": review.reply_updated_at.isoformat(),
        },
    }


def page_json(page: ReviewPage) -> dict[str, Any]:
    return {
        "rating": rating_json(page.rating),
        "reviews": [review_json(view) for view in page.reviews],
        "next": None if page.next_before is None else str(page.next_before),
    }


def _id(request: web.Request, name: str) -> int:
    value = request.match_info[name]
    if not value.isdigit() or len(value) > 18:
        raise bad_request("invalid", f"{name} is a number.", name)
    return int(value)


def _paging(request: web.Request) -> tuple[int | None, int]:
    limit_text, cursor = request.query.get("limit", str(DEFAULT_LIMIT)), request.query.get("cursor")
    if not limit_text.isdigit() or not 1 <= int(limit_text) <= MAX_LIMIT:
        raise bad_request("invalid", f"limit is a whole number from 1 to {MAX_LIMIT}.", "limit")
    if cursor is not None and (not cursor.isdigit() or len(cursor) > 18):
        raise bad_request("invalid", "cursor is the `next` of a previous page.", "cursor")
    return None if cursor is None else int(cursor), int(limit_text)

"""The API of support requests: a user's own, and for admins everyone's."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..listings.ocpi_json import ocpi_time
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request, not_found
from .service import MAX_BODY, MAX_SUBJECT, NEW_PER_DAY, Status, View
from .tables import SupportReply, SupportRequest

routes = Routes("support")

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id names nothing

_REQUESTS = "/api/v1/support-requests"
_REQUEST = "/api/v1/support-requests/{request_id}"
_CREATE_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["subject", "body"],
    "properties": {
        "subject": {"type": "string", "minLength": 1, "maxLength": MAX_SUBJECT},
        "body": {"type": "string", "minLength": 1, "maxLength": MAX_BODY},
        "booking_id": {"type": "string", "maxLength": 36},
    },
}
_REPLY_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["body"],
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": MAX_BODY}},
}
_LIST_QUERY = (
    {"name": "status", "schema": {"type": "string", "enum": list(Status)}},
    {"name": "all", "schema": {"type": "boolean"}, "description": "Everyone's requests (admins)"},
)


@routes.operation(
    "POST", _REQUESTS, summary="Ask the hub's admins for help", scope="account", body=_CREATE_BODY,
    responses={201: "Opened; every admin is notified", 429: f"More than {NEW_PER_DAY} requests in a day"},
)  # fmt: skip
async def create_support_request(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).support.create(principal, body)
    return web.json_response(_view_json(view, principal), status=201)


@routes.operation(
    "GET", _REQUESTS, summary="The user's support requests, newest first; ?all=true: everyone's (admins)",
    scope="account", query=_LIST_QUERY,
)  # fmt: skip
async def list_support_requests(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    every = request.query.get("all", "false")
    if every not in {"true", "false"}:
        raise bad_request("invalid", "all is true or false.", "all")
    status = request.query.get("status")
    if status is not None and status not in Status.__members__:
        raise bad_request("invalid", f"status is one of {', '.join(Status)}.", "status")
    found = await hub_of(request).support.list(
        principal, every=every == "true", status=None if status is None else Status(status)
    )
    return web.json_response({"support_requests": [_request_json(row) for row in found]})


@routes.operation("GET", _REQUEST, summary="A support request and its replies (its requester, admins)", scope="account")
async def get_support_request(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).support.get(principal, _request_id(request))
    return web.json_response(_view_json(view, principal))


@routes.operation(
    "POST", f"{_REQUEST}/replies", summary="Reply: an admin answers, the requester follows up",
    scope="account", body=_REPLY_BODY,
    responses={200: "The request with its replies", 409: "The request is closed"},
)  # fmt: skip
async def reply_to_support_request(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).support.reply(principal, _request_id(request), body["body"])
    return web.json_response(_view_json(view, principal))


@routes.operation(
    "POST", f"{_REQUEST}/close", summary="Close a support request (admins)", scope="account",
    responses={200: "Closed; the requester is notified", 403: "Not an admin", 409: "Already closed"},
)  # fmt: skip
async def close_support_request(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    view = await hub_of(request).support.close(principal, _request_id(request))
    return web.json_response(_view_json(view, principal))


def _request_id(request: web.Request) -> int:
    raw = request.match_info["request_id"]
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise not_found("support request")
    return int(raw)


def _request_json(row: SupportRequest) -> dict[str, Any]:
    return {
        "id": str(row.id),
        "requester_id": row.requester_id,
        "booking_id": row.booking_id,
        "subject": row.subject,
        "body": row.body,
        "status": row.status,
        "created_at": ocpi_time(row.created_at),
        "updated_at": ocpi_time(row.updated_at),
    }


def _view_json(view: View, reader: Principal) -> dict[str, Any]:
    return {**_request_json(view.request), "replies": [_reply_json(reply, reader) for reply in view.replies]}


def _reply_json(reply: SupportReply, reader: Principal) -> dict[str, Any]:
    return {
        "id": str(reply.id),
        "from_staff": reply.from_staff,
        "mine": reply.author_id == reader.user_id,
        "body": reply.body,
        "created_at": ocpi_time(reply.created_at),
    }

"""The API of a booking's messages."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..listings.ocpi_json import ocpi_time
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request
from .service import MAX_BODY, RATE_LIMIT
from .tables import BookingMessage

routes = Routes("messages")

MAX_ID = 2**31 - 1  # PostgreSQL's integer

_MESSAGES = "/api/v1/bookings/{booking_id}/messages"
_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["body"],
    "properties": {"body": {"type": "string", "minLength": 1, "maxLength": MAX_BODY}},
}


@routes.operation(
    "GET", _MESSAGES, summary="A booking's messages, oldest first (its driver, the listing's host, admins)",
    scope="bookings",
    query=({"name": "after", "schema": {"type": "string"}, "description": "Only messages after this one's id"},),
)  # fmt: skip
async def list_messages(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    after = request.query.get("after")
    if after is not None and not (after.isdigit() and int(after) <= MAX_ID):
        raise bad_request("invalid", "after is a message id.", "after")
    thread = await hub_of(request).messages.thread(
        principal, request.match_info["booking_id"], after=None if after is None else int(after)
    )
    return web.json_response(
        {"messages": [_message_json(message, principal) for message in thread.messages], "role": thread.role}
    )


@routes.operation(
    "POST", _MESSAGES, summary="Write to the other party of a booking (its driver or the listing's host)",
    scope="bookings", body=_BODY,
    responses={
        201: "Sent; the other party is notified",
        409: "The booking ended too long ago (conversation_closed)",
        429: f"More than {RATE_LIMIT} messages in an hour (rate_limited)",
    },
)  # fmt: skip
async def send_message(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    message = await hub_of(request).messages.send(principal, request.match_info["booking_id"], body["body"])
    return web.json_response(_message_json(message, principal), status=201)


def _message_json(message: BookingMessage, reader: Principal) -> dict[str, Any]:
    return {
        "id": str(message.id),
        "booking_id": message.booking_id,
        "sender": message.sender_role,
        "mine": message.sender_id == reader.user_id,
        "body": message.body,
        "created_at": ocpi_time(message.created_at),
    }

"""The API of the inbox (every user's own notifications) and of the admins' view of the email queue."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..listings.ocpi_json import ocpi_time
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request, not_found
from .service import MAX_PAGE, PAGE, Item
from .tables import OutboundEmail

routes = Routes("notifications")

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id names nothing

_INBOX_QUERY = (
    {"name": "unread", "schema": {"type": "boolean"}, "description": "Only notifications not read yet"},
    {"name": "cursor", "schema": {"type": "string"}, "description": "The next_cursor of the previous page"},
    {"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": PAGE}},
)


@routes.operation(
    "GET", "/api/v1/inbox", summary="The user's notifications, newest first, and how many are unread",
    scope="account", query=_INBOX_QUERY,
)  # fmt: skip
async def get_inbox(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    page = await hub_of(request).notifications.inbox(
        principal,
        unread_only=_flag(request, "unread"),
        cursor=_whole_number(request, "cursor", None),
        limit=_whole_number(request, "limit", PAGE, most=MAX_PAGE) or PAGE,
    )
    return web.json_response(
        {
            "notifications": [_item_json(item) for item in page.items],
            "unread_count": page.unread,
            "next_cursor": None if page.next_cursor is None else str(page.next_cursor),
        }
    )


@routes.operation(
    "POST", "/api/v1/inbox/{notification_id}/read", summary="Mark one of the user's notifications read",
    scope="account", responses={200: "The notification, read", 404: "Not one of the user's notifications"},
)  # fmt: skip
async def read_notification(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    raw = request.match_info["notification_id"]
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise not_found("notification")
    item = await hub_of(request).notifications.mark_read(principal, int(raw))
    return web.json_response(_item_json(item))


@routes.operation("POST", "/api/v1/inbox/read", summary="Mark all the user's notifications read", scope="account")
async def read_all_notifications(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    marked = await hub_of(request).notifications.mark_all_read(principal)
    return web.json_response({"marked": marked, "unread_count": 0})


@routes.operation(
    "GET", "/api/v1/admin/emails", summary="Email not sent yet or given up on (admins)", scope="account",
    query=({"name": "failed", "schema": {"type": "boolean"}, "description": "Only those given up on"},),
    responses={200: "OK", 403: "Not an admin"},
)  # fmt: skip
async def list_undelivered_emails(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    emails = await hub_of(request).notifications.undelivered(principal, failed_only=_flag(request, "failed"))
    return web.json_response({"emails": [_email_json(email) for email in emails]})


def _item_json(item: Item) -> dict[str, Any]:
    notification = item.notification
    return {
        "id": str(notification.id),
        "kind": notification.kind,
        "subject": notification.subject,
        "body": notification.body,
        "link": notification.link,
        "created_at": _time(notification.created_at),
        "read_at": _time(notification.read_at),
        "email": None if item.email is None else item.email.value,
    }


def _email_json(email: OutboundEmail) -> dict[str, Any]:
    return {
        "id": str(email.id),
        "user_id": email.user_id,
        "to": email.to_address,
        "subject": email.subject,
        "created_at": _time(email.created_at),
        "attempts": email.attempts,
        "next_attempt_at": _time(email.next_attempt_at),
        "last_error": email.last_error,
    }


def _flag(request: web.Request, name: str) -> bool:
    value = request.query.get(name, "false")
    if value not in {"true", "false"}:
        raise bad_request("invalid", f"{name} is true or false.", name)
    return value == "true"


def _whole_number(request: web.Request, name: str, default: int | None, *, most: int | None = None) -> int | None:
    value = request.query.get(name)
    if value is None:
        return default
    if not value.isdigit() or not 1 <= int(value) <= (most or MAX_ID):
        raise bad_request("invalid", f"{name} is a whole number from 1{'' if most is None else f' to {most}'}.", name)
    return int(value)


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else ocpi_time(moment)

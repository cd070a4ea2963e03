"""The API of disputes: a driver disputes a CDR's charge, the host or an admin resolves it, the parties read them.

A resolution with a refund moves money, so every resolution takes an Idempotency-Key (idempotency/): a retry
with the same key and body gets the first response, and the driver is refunded once.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..ledger.balances import MAX_PAGE, PAGE
from ..ledger.validation import check_amount
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request, not_found
from ..web.query import query_number
from .disputes import Outcome, Resolution, dispute_json
from .payout_tables import NOTE_MAX, REASON_MAX, DisputeStatus

routes = Routes("disputes")

MAX_ID = 2**31 - 1  # PostgreSQL's integer: a larger id names nothing
_DISPUTE = "/api/v1/disputes/{dispute_id}"
_OPEN_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["reason"],
    "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": REASON_MAX}},
}
_RESOLUTION_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["outcome", "note"],
    "properties": {
        "outcome": {"type": "string", "enum": [outcome.value for outcome in Outcome]},
        # Checked by the handler, for an error that names the rule (invalid_amount).
        "amount": {"description": "A refund's minor units, a whole number from 1; left out: all not yet credited"},
        "note": {"type": "string", "minLength": 1, "maxLength": NOTE_MAX, "description": "Why, for the driver"},
    },
}
_LIST_QUERY = (
    {"name": "status", "schema": {"type": "string", "enum": [status.value for status in DisputeStatus]}},
    {"name": "before", "schema": {"type": "integer", "minimum": 1}, "description": "the last page's next_cursor"},
    {"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": PAGE}},
)


@routes.operation(
    "POST", "/api/v1/cdrs/{cdr_id}/disputes", summary="Dispute a CDR's charge (its driver, within the window)",
    scope="bookings", body=_OPEN_BODY,
    responses={
        201: "Opened; the host is told, and their payouts wait until it is resolved",
        403: "Not the driver of the session",
        409: "The window is closed, the CDR is a credit, or it has an open dispute already",
    },
)  # fmt: skip
async def open_dispute(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    dispute = await hub_of(request).disputes.open(principal, request.match_info["cdr_id"], body["reason"])
    return web.json_response(dispute_json(dispute), status=201)


@routes.operation(
    "GET", "/api/v1/disputes", summary="Disputes, newest first: the driver's, those of the host's CDRs, or all (admin)",
    scope="bookings", query=_LIST_QUERY,
)  # fmt: skip
async def list_disputes(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    status = request.query.get("status")
    if status is not None and status not in DisputeStatus.__members__:
        raise bad_request("invalid", f"status is one of {', '.join(DisputeStatus)}.", "status")
    page = await hub_of(request).disputes.list(
        principal,
        status=None if status is None else DisputeStatus(status),
        before=query_number(request, "before", None, 1, None),
        limit=query_number(request, "limit", PAGE, 1, MAX_PAGE),
    )
    return web.json_response(
        {"disputes": [dispute_json(dispute) for dispute in page.disputes], "next_cursor": page.next_cursor}
    )


@routes.operation("GET", _DISPUTE, summary="A dispute (its driver, the host, admins)", scope="bookings")
async def get_dispute(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    dispute = await hub_of(request).disputes.get(principal, _dispute_id(request))
    return web.json_response(dispute_json(dispute))


@routes.operation(
    "POST", f"{_DISPUTE}/resolution",
    summary="Resolve a dispute with a refund or without (the host, an admin; needs an Idempotency-Key)",
    scope="listings", body=_RESOLUTION_BODY,
    responses={
        200: "Resolved; the driver is told",
        403: "Not the host of the charger",
        409: "Resolved already, or more than is left to refund",
        422: "The Idempotency-Key was used for another request",
    },
)  # fmt: skip
async def resolve_dispute(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    outcome = Outcome(body["outcome"])
    amount = None
    if "amount" in body:
        if outcome is not Outcome.REFUND:
            raise bad_request("invalid", "amount goes with a refund only.", "amount")
        amount = check_amount(body["amount"])
    hub = hub_of(request)
    write = hub.disputes.resolve(principal, _dispute_id(request), Resolution(outcome, body["note"], amount))
    return await hub.idempotency.respond(request, principal, body, write)


def _dispute_id(request: web.Request) -> int:
    raw = request.match_info["dispute_id"]
    if not raw.isdigit() or int(raw) > MAX_ID:
        raise not_found("dispute")
    return int(raw)

"""The API of host payouts: a host's own, every host's for admins, and an admin marking one PAID.

Marking a payout PAID moves no money in the books (its posting was written when the run made it), and repeating
it with the same transfer reference changes nothing: it needs no Idempotency-Key.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..ledger.balances import MAX_PAGE, PAGE
from ..listings.ocpi_json import ocpi_time
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request, not_found
from ..web.query import query_number
from .payout_tables import TRANSFER_REFERENCE_MAX, Payout, PayoutStatus
from .payouts import PayoutPage

routes = Routes("payouts")

ID_LENGTH = 36  # a UUID
_PAGING = (
    {"name": "before", "schema": {"type": "string"}, "description": "the last page's next_cursor"},
    {"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": PAGE}},
)
_STATUS = {"name": "status", "schema": {"type": "string", "enum": [status.value for status in PayoutStatus]}}
_PAID_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "transfer_reference": {
            "type": "string",
            "minLength": 1,
            "maxLength": TRANSFER_REFERENCE_MAX,
            "description": "The bank transfer's reference, for the host to find it",
        }
    },
}


@routes.operation(
    "GET", "/api/v1/payouts", summary="The host's payouts, newest first", scope="account", query=_PAGING
)  # fmt: skip
async def list_payouts(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    before, limit = _paging(request)
    return _page_json(await hub_of(request).payouts.of_host(principal, before=before, limit=limit))


@routes.operation(
    "GET", "/api/v1/admin/payouts", summary="Every host's payouts, newest first (admins); ?status=PENDING: to transfer",
    scope="account", query=(_STATUS, *_PAGING),
    responses={200: "OK", 403: "Not an admin"},
)  # fmt: skip
async def list_every_payout(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    status = request.query.get("status")
    if status is not None and status not in PayoutStatus.__members__:
        raise bad_request("invalid", f"status is one of {', '.join(PayoutStatus)}.", "status")
    before, limit = _paging(request)
    page = await hub_of(request).payouts.every(
        principal, status=None if status is None else PayoutStatus(status), before=before, limit=limit
    )
    return _page_json(page)


@routes.operation(
    "POST", "/api/v1/admin/payouts/{payout_id}/paid", summary="Mark a payout transferred (admins); the host is told",
    scope="account", body=_PAID_BODY,
    responses={200: "PAID", 403: "Not an admin", 409: "Marked paid already, with another transfer reference"},
)  # fmt: skip
async def mark_payout_paid(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    payout_id = request.match_info["payout_id"]
    if len(payout_id) != ID_LENGTH:
        raise not_found("payout")
    payout = await hub_of(request).payouts.mark_paid(principal, payout_id, body.get("transfer_reference"))
    return web.json_response(payout_json(payout))


def payout_json(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "host_id": payout.host_id,
        "currency": payout.currency,
        "amount": payout.amount_minor,
        "batch": payout.batch,
        "posting_id": payout.posting_id,
        "status": payout.status,
        "created_at": ocpi_time(payout.created_at),
        "paid_at": None if payout.paid_at is None else ocpi_time(payout.paid_at),
        "transfer_reference": payout.transfer_reference,
    }


def _paging(request: web.Request) -> tuple[str | None, int]:
    return request.query.get("before"), query_number(request, "limit", PAGE, 1, MAX_PAGE)


def _page_json(page: PayoutPage) -> web.Response:
    return web.json_response(
        {"payouts": [payout_json(payout) for payout in page.payouts], "next_cursor": page.next_cursor}
    )

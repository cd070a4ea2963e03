"""The API of charging: sessions and CDRs for the driver, the host and admins, and the host's refunds.

Lists are paged as in OCPI: `offset` and `limit` in the query, the total in `X-Total-Count`, the largest
page in `X-Limit`, and a `Link: <...>; rel="next"` header while more follow; oldest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import bad_request
from ..web.query import query_number
from .ocpi_json import session_json

routes = Routes("charging")

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
_CDR = "/api/v1/cdrs/{cdr_id}"
_PAGING = (
    {"name": "offset", "schema": {"type": "integer", "minimum": 0, "default": 0}},
    {"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT}},
)


@routes.operation(
    "GET",
    "/api/v1/sessions",
    summary="Charging sessions: the driver's, the host's, or all (admin)",
    scope="bookings",
    query=_PAGING,
)
async def list_sessions(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    charging = hub_of(request).charging
    offset, limit = _paging(request)
    rows, total = await charging.sessions(principal, offset, limit)
    cdrs = await charging.cdrs_of([row.id for row in rows])
    return _page(
        request,
        "sessions",
        [session_json(row, cdrs.get(row.id)) for row in rows],
        offset=offset,
        limit=limit,
        total=total,
    )


@routes.operation("GET", "/api/v1/sessions/{session_id}", summary="A charging session", scope="bookings")
async def get_session(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    charging = hub_of(request).charging
    row = await charging.session(principal, request.match_info["session_id"])
    return web.json_response(session_json(row, await charging.cdr_of(row.id)))


@routes.operation(
    "GET", "/api/v1/cdrs", summary="Charge detail records, credits included", scope="bookings", query=_PAGING
)
async def list_cdrs(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    offset, limit = _paging(request)
    rows, total = await hub_of(request).charging.cdrs(principal, offset, limit)
    return _page(request, "cdrs", [row.document for row in rows], offset=offset, limit=limit, total=total)


@routes.operation("GET", _CDR, summary="A charge detail record", scope="bookings")
async def get_cdr(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    row = await hub_of(request).charging.cdr(principal, request.match_info["cdr_id"])
    return web.json_response(row.document)


@routes.operation(
    "POST",
    f"{_CDR}/credits",
    summary="Refund a session with a credit CDR (the host of the charger, or an admin); an Idempotency-Key "
    "header makes a retry return the same credit",
    scope="listings",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["reason"],
        "properties": {
            "amount": {"type": "integer", "minimum": 1, "description": "minor units; left out: all not yet credited"},
            "reason": {"type": "string", "minLength": 1, "maxLength": 255},
        },
    },
    responses={201: "The credit CDR", 403: "Not the host of the charger", 409: "More than is left to credit"},
)
async def credit_cdr(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    key = request.headers.get("Idempotency-Key")
    if key is not None and not 1 <= len(key) <= 255:
        raise bad_request("invalid", "An Idempotency-Key has 1 to 255 characters.", "Idempotency-Key")
    credit = await hub_of(request).charging.credit(
        principal, request.match_info["cdr_id"], body.get("amount"), body["reason"], key
    )
    return web.json_response(credit.document, status=201)


def _paging(request: web.Request) -> tuple[int, int]:
    return query_number(request, "offset", 0, 0, None), query_number(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)


def _page(request: web.Request, key: str, items: Sequence[Any], *, offset: int, limit: int, total: int) -> web.Response:
    headers = {"X-Total-Count": str(total), "X-Limit": str(MAX_LIMIT)}
    if offset + limit < total:
        following = hub_of(request).config.base_url + str(request.rel_url.update_query(offset=offset + limit))
        headers["Link"] = f'<{following}>; rel="next"'
    return web.json_response({key: list(items)}, headers=headers)

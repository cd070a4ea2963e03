"""The API of keeping a listing current: the host's availability confirmation, and live EVSE statuses from the
host's Home Assistant (a token with the `link` scope)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from .live_statuses import LIVE_STATUSES
from .ocpi_json import listing_json

routes = Routes("listings")


@routes.operation(
    "POST",
    "/api/v1/listings/{location_id}/availability-confirmation",
    summary="Confirm the listing is still available as it is (its host): it stays visible (a listing not "
    "confirmed for listing_stale_days is hidden) and the statuses typed in count as current",
    scope="listings",
    responses={200: "The listing", 409: "The listing was removed"},
)
async def confirm_availability(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    hub = hub_of(request)
    listing = await hub.upkeep.confirm(principal, request.match_info["location_id"])
    document = listing_json(
        listing, base_url=hub.config.base_url, show_invites=True, rules=hub.upkeep.rules, now=hub.upkeep.clock()
    )
    return web.json_response(document)


@routes.operation(
    "PUT",
    "/api/v1/listings/{location_id}/evses/{evse_uid}/status",
    summary="A live EVSE status from the host's Home Assistant; shown as UNKNOWN once older than "
    "status_fresh_minutes, and OUTOFORDER while a fault report is open",
    scope="link",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["status"],
        "properties": {"status": {"type": "string", "enum": list(LIVE_STATUSES)}},
    },
    responses={200: "The EVSE's status now", 409: "The listing or EVSE was removed"},
)
async def report_live_status(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    status = await hub_of(request).upkeep.live_status(
        principal, request.match_info["location_id"], request.match_info["evse_uid"], body["status"]
    )
    return web.json_response({"uid": request.match_info["evse_uid"], "status": status})

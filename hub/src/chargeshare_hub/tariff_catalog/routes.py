"""The API of tariffs: a host's OCPI 2.2.1 Tariff objects, replaced whole with PUT, and a listing's tariffs.

The route declares the body only as an object: the tariff is read by `tariffs.ocpi_json`, whose refusals
name the field as `elements[0].price_components[1].step_size`.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of

routes = Routes("tariffs")

_TARIFF_BODY = {
    "type": "object",
    "description": "An OCPI 2.2.1 Tariff. id is optional (the hub makes one); country_code and party_id are "
    "filled in by the hub when left out; last_updated is set by the hub.",
}
_TARIFF = "/api/v1/tariffs/{tariff_id}"


@routes.operation(
    "POST",
    "/api/v1/tariffs",
    summary="Create a tariff (hosts only)",
    scope="listings",
    body=_TARIFF_BODY,
    responses={201: "Created", 403: "Not a host account", 409: "The id is taken"},
)
async def create_tariff(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    row = await hub_of(request).tariff_catalog.create(principal, body)
    return web.json_response(row.document, status=201)


@routes.operation("GET", "/api/v1/tariffs", summary="The host's own tariffs", scope="listings")
async def list_own_tariffs(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    rows = await hub_of(request).tariff_catalog.of_host(principal)
    return web.json_response({"tariffs": [row.document for row in rows]})


@routes.operation(
    "GET", _TARIFF, summary="A tariff: for its host, and for anyone who may see a listing naming it", scope=None
)
async def get_tariff(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    row = await hub_of(request).tariff_catalog.get(principal, request.match_info["tariff_id"])
    return web.json_response(row.document)


@routes.operation(
    "PUT",
    _TARIFF,
    summary="Replace a tariff whole; sessions already started keep their copy",
    scope="listings",
    body=_TARIFF_BODY,
    responses={200: "Replaced", 409: "Removed, or would clash with another tariff of a connector"},
)
async def replace_tariff(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    row = await hub_of(request).tariff_catalog.replace(principal, request.match_info["tariff_id"], body)
    return web.json_response(row.document)


@routes.operation(
    "DELETE", _TARIFF, summary="Remove a tariff no listing names any more", scope="listings",
    responses={204: "Removed", 409: "A connector of a listing names it"},
)  # fmt: skip
async def remove_tariff(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).tariff_catalog.remove(principal, request.match_info["tariff_id"])
    return web.Response(status=204)


@routes.operation(
    "GET",
    "/api/v1/listings/{location_id}/tariffs",
    summary="The tariffs a listing's connectors name, for whoever may see the listing",
    scope=None,
)
async def listing_tariffs(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    hub = hub_of(request)
    listing = await hub.listings.get(principal, request.match_info["location_id"])
    rows = await hub.tariff_catalog.named_by(listing)
    return web.json_response({"tariffs": [row.document for row in rows]})

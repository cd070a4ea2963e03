"""The API of search: GET /api/v1/search, open to anyone; invite-only listings show to their invitees."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from .query import PARAMETERS, next_cursor, parse_query
from .statements import Found

routes = Routes("search")


@routes.operation(
    "GET",
    "/api/v1/search",
    summary="Find chargers around a point or in a box, filtered and sorted; pages follow `next`",
    scope=None,
    query=PARAMETERS,
    responses={200: "A page of results", 400: "A parameter is wrong (named in `field`)"},
)
async def search(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    query = parse_query(request.query)
    page = await hub_of(request).search.find(principal, query)
    return web.json_response(
        {
            "results": [result_json(found) for found in page.results],
            "next": None if page.next_offset is None else next_cursor(query, page.next_offset),
        }
    )


def result_json(entry: Found) -> dict[str, Any]:
    return {
        "location_id": entry.location_id,
        "name": entry.name,
        "city": entry.city,
        "coordinates": {"latitude": entry.latitude, "longitude": entry.longitude},
        "distance_m": None if entry.distance_m is None else round(entry.distance_m),
        "max_power": entry.max_power,
        "standards": sorted({connector["standard"] for connector in entry.connectors}),
        "connectors": entry.connectors,
        "price": None if entry.price_per_kwh is None else {"per_kwh": entry.price_per_kwh, "currency": entry.currency},
        "rating": None if entry.rating is None else {"score": round(entry.rating, 2), "count": entry.rating_count},
        "green": entry.green,
        "invite_only": not entry.publish,
        "evse_statuses": entry.evse_statuses,
    }

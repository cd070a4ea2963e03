"""The API of search: GET /api/v1/search, open to anyone; invite-only listings show to their invitees."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..listings.health import HealthRules
from ..vehicles.charging_time import fastest_minutes
from ..web.api import Routes
from ..web.context import hub_of
from .query import PARAMETERS, SearchQuery, next_cursor, parse_query
from .service import SearchPage
from .statements import Found
from .summary import shown_statuses

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
    service = hub_of(request).search
    now = service.clock()
    page = await service.find(principal, query, now)
    # The verified-host badge is worked out for the page's hosts, never stored (see trust.badge).
    verified = await hub_of(request).trust.verified_listings([found.location_id for found in page.results])
    return web.json_response(
        {
            "results": [
                result_json(found, service.rules, now)
                | {"host_verified": found.location_id in verified}
                | charging_json(page, query, found)
                for found in page.results
            ],
            "next": None if page.next_offset is None else next_cursor(query, page.next_offset),
        }
    )


def result_json(entry: Found, rules: HealthRules, now: datetime) -> dict[str, Any]:
    """`evse_statuses` as they show at `now` (an old one as UNKNOWN); `repeated_faults`: the listing is ranked
    below the others for repeated fault reports."""
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
        "evse_statuses": shown_statuses(entry.evse_states, rules, now),
        "repeated_faults": bool(entry.repeated_faults),
    }


def charging_json(page: SearchPage, query: SearchQuery, entry: Found) -> dict[str, Any]:
    """With a vehicle and energy_kwh: `charging_minutes` at the listing's fastest connector the vehicle takes."""
    if page.car is None or query.energy_wh is None:
        return {}
    return {"charging_minutes": fastest_minutes(page.car, entry.connectors, query.energy_wh)}

"""The API of planning a charge at a listing: an estimate per connector, and the cheapest and greenest slots."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..listings.ocpi_json import ocpi_time
from ..web.api import Routes
from ..web.context import hub_of
from .params import ESTIMATE_PARAMETERS, SUGGESTION_PARAMETERS, charge_of, moment, window_of
from .service import ConnectorEstimate, Suggestion

routes = Routes("planning")

_LISTING = "/api/v1/listings/{location_id}"


@routes.operation(
    "GET", f"{_LISTING}/estimate", summary="Charging time and price per connector for one's vehicle",
    scope="bookings", query=ESTIMATE_PARAMETERS,
    responses={200: "Per connector of the bookable EVSEs", 404: "No such listing or vehicle of the driver's"},
)  # fmt: skip
async def estimate_charge(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    charge = charge_of(request.query, ESTIMATE_PARAMETERS)
    start_text = request.query.get("start")
    start = None if start_text is None else moment(start_text, "start")
    location_id = request.match_info["location_id"]
    estimates = await hub_of(request).planner.estimate(
        principal, location_id, charge.vehicle_id, charge.energy_wh, start
    )
    return web.json_response(
        {
            "location_id": location_id,
            "vehicle_id": charge.vehicle_id,
            "energy_kwh": charge.energy_wh / 1000,
            "connectors": [_estimate_json(estimate) for estimate in estimates],
        }
    )


@routes.operation(
    "GET", f"{_LISTING}/suggestions", summary="The cheapest and the greenest free slots for a charge in a window",
    scope="bookings", query=SUGGESTION_PARAMETERS,
    responses={200: "Either may be null: nothing free fits, no tariff, or no energy mix",
               409: "No connector takes the vehicle, or the charge is longer than a booking may be"},
)  # fmt: skip
async def suggest_slots(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    charge = charge_of(request.query, SUGGESTION_PARAMETERS)
    window = window_of(request.query)
    suggestions = await hub_of(request).planner.suggest(
        principal, request.match_info["location_id"], charge.vehicle_id, charge.energy_wh, window
    )
    return web.json_response(
        {"cheapest": _suggestion_json(suggestions.cheapest), "greenest": _suggestion_json(suggestions.greenest)}
    )


def _estimate_json(estimate: ConnectorEstimate) -> dict[str, Any]:
    connector = estimate.outlet.connector
    return {
        "evse_uid": estimate.outlet.evse_uid,
        "connector_id": connector.connector_id,
        "standard": connector.standard,
        "power_type": connector.power_type,
        "max_power": estimate.outlet.max_power_w,
        "usable": estimate.power_w is not None,
        "power_w": estimate.power_w,
        "charging_minutes": estimate.minutes,
        "price": None if estimate.price is None else {"amount": estimate.price, "currency": estimate.currency},
    }


def _suggestion_json(suggestion: Suggestion | None) -> dict[str, Any] | None:
    """A slot as POST /api/v1/bookings takes it (evse_uid, connector_id, period), with what it costs."""
    if suggestion is None:
        return None
    outlet = suggestion.charge.outlet
    price = None
    if outlet.tariff is not None:
        price = {
            "charging": suggestion.charging_price,
            "booking_fee": suggestion.booking_fee,
            "total": suggestion.total,
            "currency": outlet.tariff.currency,
        }
    return {
        "evse_uid": outlet.evse_uid,
        "connector_id": outlet.connector.connector_id,
        "period": {"start_from": ocpi_time(suggestion.start), "end_before": ocpi_time(suggestion.end)},
        "power_w": suggestion.charge.power_w,
        "charging_minutes": suggestion.charge.minutes,
        "price": price,
        "green_share": None if suggestion.green_share is None else round(suggestion.green_share, 3),
    }

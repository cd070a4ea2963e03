"""The API of a driver's vehicle profiles; a token needs the `bookings` scope, as they serve booking."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of
from .documents import VEHICLE_SCHEMA, vehicle_json

routes = Routes("vehicles")

_VEHICLE = "/api/v1/vehicles/{vehicle_id}"


@routes.operation("GET", "/api/v1/vehicles", summary="The driver's vehicles, oldest first", scope="bookings")
async def list_vehicles(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    vehicles = await hub_of(request).vehicles.list(principal)
    return web.json_response({"vehicles": [vehicle_json(vehicle) for vehicle in vehicles]})


@routes.operation(
    "POST", "/api/v1/vehicles", summary="Add a vehicle profile", scope="bookings", body=VEHICLE_SCHEMA,
    responses={201: "Added", 409: "The driver has the most vehicles allowed"},
)  # fmt: skip
async def create_vehicle(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    vehicle = await hub_of(request).vehicles.create(principal, body)
    return web.json_response(vehicle_json(vehicle), status=201)


@routes.operation("GET", _VEHICLE, summary="One of the driver's vehicles", scope="bookings")
async def get_vehicle(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    vehicle = await hub_of(request).vehicles.get(principal, request.match_info["vehicle_id"])
    return web.json_response(vehicle_json(vehicle))


@routes.operation("PUT", _VEHICLE, summary="Replace a vehicle profile whole", scope="bookings", body=VEHICLE_SCHEMA)
async def replace_vehicle(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    vehicle = await hub_of(request).vehicles.replace(principal, request.match_info["vehicle_id"], body)
    return web.json_response(vehicle_json(vehicle))


@routes.operation("DELETE", _VEHICLE, summary="Delete a vehicle profile", scope="bookings", responses={204: "Deleted"})
async def delete_vehicle(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    await hub_of(request).vehicles.delete(principal, request.match_info["vehicle_id"])
    return web.Response(status=204)

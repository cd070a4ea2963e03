"""The API of the link: the websocket a host's Home Assistant keeps open, and the driver's remote start and stop."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from .commands import command_json
from .gateway import COMMANDS, GATEWAY

routes = Routes("link")

_ACCEPTED = "Queued for the charger; it answers later (GET the command, or the event stream's command.result)"


@routes.operation(
    "GET",
    "/api/v1/link",
    summary="The link websocket of a host's Home Assistant (subprotocol chargeshare.link.v1; docs/hub-link.md); "
    "a newer connection of the same host closes this one with 4000",
    scope="link",
    responses={
        101: "Switched to the websocket",
        400: "Not a websocket, or without the subprotocol chargeshare.link.v1",
        401: "Unknown, expired or revoked token",
        403: "The token lacks the link scope",
    },
)
async def link_socket(request: web.Request, principal: Principal | None, _body: Any) -> web.StreamResponse:
    assert principal is not None
    return await request.app[GATEWAY].serve(request, principal)


@routes.operation(
    "POST",
    "/api/v1/bookings/{booking_id}/start",
    summary="Start charging remotely with the booking's id tag (its driver, during the booking's window)",
    scope="bookings",
    responses={
        202: _ACCEPTED,
        403: "Not the booking's driver",
        409: "Outside the window, or the charger is not linked",
    },
)
async def start_charging(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    command = await request.app[COMMANDS].start(principal, request.match_info["booking_id"])
    return web.json_response(command_json(command), status=202)


@routes.operation(
    "POST",
    "/api/v1/bookings/{booking_id}/stop",
    summary="Stop the booking's charging session remotely (its driver)",
    scope="bookings",
    responses={202: _ACCEPTED, 403: "Not the booking's driver", 409: "No session of the booking is charging"},
)
async def stop_charging(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    command = await request.app[COMMANDS].stop(principal, request.match_info["booking_id"])
    return web.json_response(command_json(command), status=202)


@routes.operation(
    "GET", "/api/v1/commands/{command_id}", summary="A remote start or stop and the charger's answer", scope="bookings"
)
async def get_command(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    command = await request.app[COMMANDS].get(principal, request.match_info["command_id"])
    return web.json_response(command_json(command))

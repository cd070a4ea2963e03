"""The hub's aiohttp application: services, middlewares, the API's routes and its OpenAPI document."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from .. import __version__
from ..accounts.principal import Principal
from ..accounts.routes import routes as account_routes
from ..accounts.service import Accounts
from ..bookings.routes import routes as booking_routes
from ..bookings.service import Bookings
from ..bookings.sweeper import install_sweeper
from ..charging.routes import routes as charging_routes
from ..charging.service import Charging
from ..config import HubConfig
from ..db.engine import Database
from ..listings.routes import routes as listing_routes
from ..listings.service import Listings
from ..search.routes import routes as search_routes
from ..search.service import Search
from ..tariff_catalog.routes import routes as tariff_routes
from ..tariff_catalog.service import TariffCatalog
from .api import Operation, Routes, install, openapi_document
from .context import HUB, Hub
from .errors import error_middleware

OPERATIONS: web.AppKey[list[Operation]] = web.AppKey("operations")
meta_routes = Routes("meta")


@meta_routes.operation("GET", "/api/v1/openapi.json", summary="This document", scope=None)
async def openapi_json(request: web.Request, _principal: Principal | None, _body: Any) -> web.Response:
    return web.json_response(openapi(request.app))


@meta_routes.operation("GET", "/healthz", summary="Whether the hub is up", scope=None)
async def health(request: web.Request, _principal: Principal | None, _body: Any) -> web.Response:
    return web.json_response({"status": "ok", "version": __version__})


ROUTES: tuple[Routes, ...] = (
    meta_routes,
    account_routes,
    listing_routes,
    tariff_routes,
    search_routes,
    booking_routes,
    charging_routes,
)


def create_app(config: HubConfig, db: Database, *, background_tasks: bool = True) -> web.Application:
    """`background_tasks=False`: no timers (the bookings' sweep), for tests that drive the clock."""
    app = web.Application(middlewares=[error_middleware], client_max_size=config.photo_max_bytes + 64_000)
    app[HUB] = Hub(
        config=config,
        db=db,
        accounts=Accounts(db, config),
        listings=Listings(db, config),
        search=Search(db),
        tariff_catalog=TariffCatalog(db),
        bookings=Bookings(db, config),
        charging=Charging(db),
    )
    app[OPERATIONS] = install(app, ROUTES)
    if background_tasks:
        install_sweeper(app, app[HUB].bookings)
    return app


def openapi(app: web.Application) -> dict[str, Any]:
    operations: list[Operation] = app[OPERATIONS]
    return openapi_document(operations, title="ChargeShare hub", version=__version__)

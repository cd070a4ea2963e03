"""The hub's aiohttp application: services, middlewares, the API's routes and its OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import datetime
from functools import partial
from typing import Any

from aiohttp import web

from .. import __version__
from ..accounts.principal import Principal
from ..accounts.routes import routes as account_routes
from ..accounts.service import Accounts
from ..bookings.routes import routes as booking_routes
from ..bookings.service import Bookings
from ..charging.routes import routes as charging_routes
from ..charging.service import Charging
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..events.feed import install_feed
from ..events.routes import routes as event_routes
from ..faults.routes import routes as fault_routes
from ..faults.service import Faults
from ..idempotency.service import IdempotencyKeys
from ..link.gateway import install_link
from ..link.retention import Retention
from ..link.routes import routes as link_routes
from ..listings.routes import routes as listing_routes
from ..listings.service import Listings
from ..listings.upkeep import Upkeep
from ..listings.upkeep_routes import routes as upkeep_routes
from ..messages.routes import routes as message_routes
from ..messages.service import Messages
from ..notifications.mailer import Mailer
from ..notifications.routes import routes as notification_routes
from ..notifications.sender import install_sender
from ..notifications.service import Notifications
from ..payments.dispute_routes import routes as dispute_routes
from ..payments.disputes import Disputes
from ..payments.payout_routes import routes as payout_routes
from ..payments.payouts import Payouts
from ..payments.provider import PaymentProvider
from ..payments.routes import routes as payment_routes
from ..payments.rules import PaymentRules
from ..payments.service import Payments
from ..payments.stripe.gateway import StripeGateway
from ..payments.stripe.party_routes import routes as stripe_party_routes
from ..payments.stripe.provider import StripeProvider
from ..payments.stripe.repair import repair_holds
from ..payments.stripe.webhook_route import routes as stripe_webhook_routes
from ..payments.wallet_provider import WalletProvider
from ..privacy.routes import routes as privacy_routes
from ..privacy.service import Privacy
from ..reviews.routes import routes as review_routes
from ..reviews.service import Reviews
from ..search.routes import routes as search_routes
from ..search.service import Search
from ..suggestions.routes import routes as suggestion_routes
from ..suggestions.service import Planner
from ..support.routes import routes as support_routes
from ..support.service import Support
from ..tariff_catalog.routes import routes as tariff_routes
from ..tariff_catalog.service import TariffCatalog
from ..trust.routes import routes as trust_routes
from ..trust.service import Trust
from ..vehicles.routes import routes as vehicle_routes
from ..vehicles.service import Vehicles
from ..waitlist.routes import routes as waitlist_routes
from ..waitlist.service import Waitlist
from .api import Operation, Routes, install, openapi_document
from .context import HUB, Hub
from .errors import error_middleware
from .periodic import install_periodic

OPERATIONS: web.AppKey[list[Operation]] = web.AppKey("operations")
meta_routes = Routes("meta")
MINUTE_S, HOUR_S, DAY_S = 60.0, 3600.0, 86400.0


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
    notification_routes,
    message_routes,
    support_routes,
    privacy_routes,
    trust_routes,
    review_routes,
    upkeep_routes,
    fault_routes,
    vehicle_routes,
    suggestion_routes,
    waitlist_routes,
    event_routes,
    link_routes,
    payment_routes,
    payout_routes,
    dispute_routes,
)
STRIPE_ROUTES: tuple[Routes, ...] = (stripe_party_routes, stripe_webhook_routes)  # with the stripe provider only


def create_app(
    config: HubConfig, db: Database, *, background_tasks: bool = True, clock: Callable[[], datetime] = utcnow
) -> web.Application:
    """`clock`: what every service takes as now (tests move one by hand); `background_tasks=False`: no timers
    (the sweeps, reminders and the email sender), for tests that drive the clock."""
    app = web.Application(middlewares=[error_middleware], client_max_size=config.photo_max_bytes + 64_000)
    listings = Listings(db, config, clock)
    bookings = Bookings(db, config, clock)
    provider = _payment_provider(app, config)
    payments = Payments(db, config, clock, provider)
    charging = Charging(db, clock, on_cdr=payments.cdr_issued)
    app[HUB] = Hub(
        config=config,
        db=db,
        accounts=Accounts(db, config),
        listings=listings,
        search=Search(db, config, clock),
        tariff_catalog=TariffCatalog(db, clock),
        bookings=bookings,
        charging=charging,
        notifications=Notifications(db, clock),
        mailer=Mailer(db, config, clock=clock),
        messages=Messages(db, clock),
        support=Support(db, clock),
        privacy=Privacy(db, config, bookings, listings, clock),
        trust=Trust(db, config, clock),
        reviews=Reviews(db, config, clock),
        faults=Faults(db, config, clock),
        upkeep=Upkeep(db, config, clock),
        vehicles=Vehicles(db, clock),
        planner=Planner(db, config, clock),
        waitlist=Waitlist(db, config, bookings, clock),
        payments=payments,
        payouts=Payouts(db, config, clock),
        disputes=Disputes(db, config, clock, charging),
        idempotency=IdempotencyKeys(db, clock),
    )
    app[OPERATIONS] = install(app, ROUTES + (STRIPE_ROUTES if isinstance(provider, StripeProvider) else ()))
    install_feed(app, db)  # not a timer: live events and the link work in every app, tests' included
    install_link(app, clock)
    if background_tasks:
        hub = app[HUB]
        install_periodic(app, "Bookings sweep", MINUTE_S, hub.bookings.sweep)
        install_periodic(app, "Waitlist sweep", MINUTE_S, hub.waitlist.sweep)
        install_periodic(app, "Payments sweep", MINUTE_S, hub.payments.sweep)
        install_periodic(app, "Host payouts", DAY_S, hub.payouts.run)
        if isinstance(provider, StripeProvider):
            install_periodic(app, "Stripe hold repair", HOUR_S, partial(repair_holds, db, provider, clock))
        install_periodic(app, "Idempotency key purge", HOUR_S, hub.idempotency.purge)
        install_periodic(app, "Stale listing reminders", HOUR_S, hub.upkeep.remind_stale)
        install_sender(app, hub.mailer)
        install_periodic(app, "Link and event log retention", HOUR_S, Retention(db, clock).prune)
    return app


def _payment_provider(app: web.Application, config: HubConfig) -> PaymentProvider:
    """The configured provider. Stripe's connection is closed with the app, after the timers installed later have
    stopped (cleanup contexts end in reverse order)."""
    if config.payment_provider != "stripe":
        return WalletProvider()
    gateway = StripeGateway(config.stripe_api_key, api_base=config.stripe_api_base or None)

    async def connected(_app: web.Application) -> AsyncIterator[None]:
        yield
        await gateway.close()

    app.cleanup_ctx.append(connected)
    return StripeProvider(gateway, PaymentRules.from_config(config))


def openapi(app: web.Application) -> dict[str, Any]:
    operations: list[Operation] = app[OPERATIONS]
    return openapi_document(operations, title="ChargeShare hub", version=__version__)

"""Stripe's webhook endpoint (served when the hub's provider is `stripe`): no sign-in and no cookie, so no
same-origin check either; the request is Stripe's when it is signed with the endpoint's secret (webhooks.py)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...accounts.principal import Principal
from ...web.api import Routes
from ...web.context import hub_of
from .event_handling import event_handler
from .webhooks import webhook_handler

routes = Routes("stripe")


@routes.operation(
    "POST", "/api/v1/payments/stripe/webhook", summary="Stripe's events, signed with the endpoint's secret",
    scope=None, responses={200: "Received (handled, or of a type the hub does not act on)", 400: "Not signed"},
)  # fmt: skip
async def stripe_webhook(request: web.Request, _principal: Principal | None, _body: Any) -> web.Response:
    hub = hub_of(request)
    handle = webhook_handler(hub.config.stripe_webhook_secret, event_handler(hub.db, hub.payments.clock))
    return await handle(request)

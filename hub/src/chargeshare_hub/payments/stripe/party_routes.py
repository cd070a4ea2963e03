"""The API of an account's Stripe ids (served when the hub's provider is `stripe`): a driver saves the card that
Stripe.js set up in their browser (a SetupIntent's customer and payment method), a host the Connect account
they were onboarded to, and each reads their own back. The ids are Stripe's: the hub checks their form only, and
Stripe refuses a wrong one when a hold is placed with it."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from ...accounts.principal import Principal
from ...listings.ocpi_json import ocpi_time
from ...web.api import Routes
from ...web.context import hub_of
from ...web.errors import bad_request, forbidden
from .parties import party_of, save_account, save_card
from .parties_tables import STRIPE_ID_MAX, StripeParty

routes = Routes("stripe")

PATH = "/api/v1/payments/stripe"
_ID_TAIL = re.compile(r"[A-Za-z0-9_]+")
_CARD_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["customer", "payment_method"],
    "properties": {
        # Checked by the handler, for errors that name the id's form.
        "customer": {"type": "string", "description": "The Stripe Customer: cus_..."},
        "payment_method": {"type": "string", "description": "The customer's card, set up with Stripe.js: pm_..."},
    },
}
_ACCOUNT_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["account"],
    "properties": {"account": {"type": "string", "description": "The host's Stripe Connect account: acct_..."}},
}


@routes.operation("GET", PATH, summary="The account's Stripe ids: saved card, Connect account", scope="account")
async def get_stripe_party(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    async with hub_of(request).db.read() as session:
        return web.json_response(_party_json(await party_of(session, principal.user_id)))


@routes.operation(
    "PUT", f"{PATH}/card", summary="Save the driver's card (a SetupIntent's customer and payment method)",
    scope="account", body=_CARD_BODY,
)  # fmt: skip
async def save_stripe_card(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    customer = _stripe_id(body["customer"], "cus_", "customer", "a Stripe Customer")
    payment_method = _stripe_id(body["payment_method"], "pm_", "payment_method", "a Stripe PaymentMethod")
    hub = hub_of(request)
    async with hub.db.write() as session:
        await save_card(session, principal.user_id, customer, payment_method, hub.payments.clock())
        return web.json_response(_party_json(await party_of(session, principal.user_id)))


@routes.operation(
    "PUT", f"{PATH}/account", summary="Save the host's Stripe Connect account", scope="account", body=_ACCOUNT_BODY,
    responses={200: "OK", 403: "Not a host account"},
)  # fmt: skip
async def save_stripe_account(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    if not principal.is_host:
        raise forbidden("Only a host account is paid through a Connect account.")
    account = _stripe_id(body["account"], "acct_", "account", "a Stripe Connect account")
    hub = hub_of(request)
    async with hub.db.write() as session:
        await save_account(session, principal.user_id, account, hub.payments.clock())
        return web.json_response(_party_json(await party_of(session, principal.user_id)))


def _stripe_id(value: str, prefix: str, field: str, what: str) -> str:
    tail = value[len(prefix) :]
    if not value.startswith(prefix) or not _ID_TAIL.fullmatch(tail) or len(value) > STRIPE_ID_MAX:
        raise bad_request(
            "invalid", f"{field} is {what}'s id: {prefix} then letters and digits, {STRIPE_ID_MAX} at most.", field
        )
    return value


def _party_json(party: StripeParty | None) -> dict[str, Any]:
    if party is None:
        return {"customer": None, "payment_method": None, "account": None, "updated_at": None}
    return {
        "customer": party.customer_id,
        "payment_method": party.payment_method_id,
        "account": party.connected_account_id,
        "updated_at": ocpi_time(party.updated_at),
    }

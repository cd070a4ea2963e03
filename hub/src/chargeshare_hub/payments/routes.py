"""The API of a driver's wallet. A token needs the `account` scope: the wallet is the account's money.

A top-up moves money, so it takes an Idempotency-Key (idempotency/): a retry with the same key and body gets
the first response, and the wallet is topped up once. With the built-in provider, which takes no payment, the
hub's operator (an admin) credits wallets for money paid to them, unless the hub lets drivers top up themselves
(`wallet_top_ups = "self"`: demos and tests).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..ledger.balances import MAX_PAGE, PAGE
from ..ledger.validation import check_amount, check_currency
from ..web.api import Routes
from ..web.context import hub_of
from ..web.errors import ApiError, bad_request, conflict, forbidden
from ..web.query import query_number
from .provider import TopUpRefused
from .receipts import funds_json, history_csv, movement_json, receipt_html

routes = Routes("wallet")

TOP_UP_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["amount", "currency"],
    "additionalProperties": False,
    "properties": {
        # Checked by the handler, for errors that name the rule (invalid_amount, invalid_currency).
        "amount": {"description": "Minor units (cents), a whole number from 1"},
        "currency": {"description": "ISO 4217, such as EUR"},
        "user_id": {"type": "integer", "minimum": 1, "description": "An admin's: the account whose wallet to credit"},
    },
}
_HISTORY_QUERY = (
    {"name": "before", "schema": {"type": "integer", "minimum": 1}, "description": "the last page's next_cursor"},
    {"name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": PAGE}},
)


@routes.operation("GET", "/api/v1/wallet", summary="The driver's wallets: balance, on hold, available", scope="account")
async def get_wallet(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    return web.json_response(
        {"wallets": [funds_json(funds) for funds in await hub_of(request).payments.funds(principal)]}
    )


@routes.operation(
    "POST", "/api/v1/wallet/top-ups", summary="Put money in the wallet (needs an Idempotency-Key)", scope="account",
    body=TOP_UP_SCHEMA,
    responses={
        201: "Topped up", 409: "The hub's provider has no wallet (Stripe)",
        422: "The Idempotency-Key was used for another request",
    },
)  # fmt: skip
async def top_up(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    amount, currency = check_amount(body["amount"]), check_currency(body["currency"])
    hub = hub_of(request)
    user_id = body.get("user_id", principal.user_id)
    if not principal.is_admin:
        if user_id != principal.user_id:
            raise forbidden("Only an admin credits another account's wallet.")
        if hub.config.wallet_top_ups != "self":
            raise ApiError(
                403,
                "top_up_by_operator",
                "This hub's wallets are topped up by its operator, for money paid to them: ask them to credit yours.",
            )
    try:
        return await hub.idempotency.respond(request, principal, body, hub.payments.top_up(user_id, amount, currency))
    except TopUpRefused as refusal:
        raise conflict("no_wallet", refusal.reason) from refusal


@routes.operation(
    "GET", "/api/v1/wallet/{currency}/movements", summary="The wallet's movements, newest first, in pages",
    scope="account", query=_HISTORY_QUERY,
)  # fmt: skip
async def wallet_movements(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    currency = check_currency(request.match_info["currency"])
    before = query_number(request, "before", None, 1, None)
    limit = query_number(request, "limit", PAGE, 1, MAX_PAGE)
    page = await hub_of(request).payments.history(principal, currency, before=before, limit=limit)
    return web.json_response(
        {"movements": [movement_json(movement) for movement in page.movements], "next_cursor": page.next_cursor}
    )


@routes.operation(
    "GET", "/api/v1/wallet/{currency}/movements.csv", summary="Every movement of the wallet as CSV", scope="account",
    responses={200: "text/csv"},
)  # fmt: skip
async def wallet_movements_csv(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    currency = check_currency(request.match_info["currency"])
    movements = await hub_of(request).payments.everything(principal, currency)
    return web.Response(
        text=history_csv(movements, currency),
        content_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="chargeshare-wallet-{currency}.csv"'},
    )


@routes.operation(
    "GET", "/api/v1/wallet/receipts/{posting_id}", summary="A receipt of a wallet movement, as an HTML page",
    scope="account", responses={200: "text/html"},
)  # fmt: skip
async def wallet_receipt(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    text = request.match_info["posting_id"]
    if not text.isdigit() or len(text) > 18:
        raise bad_request("invalid", "A receipt's id is a whole number.", "posting_id")
    receipt = await hub_of(request).payments.receipt(principal, int(text))
    return web.Response(text=receipt_html(receipt), content_type="text/html")

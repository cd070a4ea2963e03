"""The API of trust: asking for another verification link, and verifying an address with one."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..accounts.principal import Principal
from ..web.api import Routes
from ..web.context import hub_of

routes = Routes("trust")


@routes.operation(
    "POST",
    "/api/v1/account/email-verification",
    summary="Send another link that verifies the account's email address",
    scope="account",
    responses={202: "Sent", 409: "The address is verified already", 429: "A link was sent too recently"},
)
async def resend_verification(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    sent = await hub_of(request).trust.resend_verification(principal)
    return web.json_response({"email": sent.email, "expires_at": sent.expires_at.isoformat()}, status=202)


@routes.operation(
    "POST",
    "/api/v1/email-verification",
    summary="Verify an email address with the token of the link sent to it (no sign-in needed)",
    scope=None,
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["token"],
        "properties": {"token": {"type": "string", "minLength": 1, "maxLength": 100}},
    },
    responses={
        200: "Verified",
        400: "Not a valid token",
        410: "The token was used, has expired, or is for an old address",
    },
)
async def verify_email(request: web.Request, _principal: Principal | None, body: Any) -> web.Response:
    user = await hub_of(request).trust.verify_email(body["token"])
    return web.json_response({"email": user.email, "email_verified": True})

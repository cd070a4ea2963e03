"""The API of accounts: register, sign in and out, the signed-in account, tokens, pairing codes."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ..web.api import Routes
from ..web.auth import SESSION_COOKIE
from ..web.context import hub_of
from ..web.errors import bad_request
from .principal import Principal
from .scopes import SCOPES
from .tables import ApiToken, User

routes = Routes("accounts")

_EMAIL = {"type": "string", "maxLength": 254}
_PASSWORD = {"type": "string", "maxLength": 1024}


@routes.operation(
    "POST",
    "/api/v1/accounts",
    summary="Register: a driver, a host or both",
    scope=None,
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "password", "name"],
        "properties": {
            "email": _EMAIL,
            "password": _PASSWORD,
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "host": {"type": "boolean"},
            "driver": {"type": "boolean"},
        },
    },
    responses={201: "Registered", 409: "The email address has an account"},
)
async def register(request: web.Request, _principal: Principal | None, body: Any) -> web.Response:
    if not body.get("host", False) and not body.get("driver", True):
        raise bad_request("invalid", "An account is a host, a driver or both.", "driver")
    user = await hub_of(request).accounts.register(
        body["email"], body["password"], body["name"], host=body.get("host", False), driver=body.get("driver", True)
    )
    return web.json_response(user_json(user), status=201)


@routes.operation(
    "POST",
    "/api/v1/session",
    summary="Sign in: sets the session cookie",
    scope=None,
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["email", "password"],
        "properties": {"email": _EMAIL, "password": _PASSWORD},
    },
    responses={200: "Signed in", 401: "Wrong email address or password", 429: "Too many failed attempts"},
)
async def sign_in(request: web.Request, _principal: Principal | None, body: Any) -> web.Response:
    hub = hub_of(request)
    user, issued = await hub.accounts.sign_in(body["email"], body["password"], request.remote or "unknown")
    response = web.json_response(user_json(user))
    response.set_cookie(
        SESSION_COOKIE,
        issued.secret,
        max_age=hub.config.session_days * 86400,
        path="/",
        secure=hub.config.secure_cookies,
        httponly=True,
        samesite="Lax",
    )
    return response


@routes.operation("DELETE", "/api/v1/session", summary="Sign out", scope="account", responses={204: "Signed out"})
async def sign_out(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    if principal.session_id is not None:
        await hub_of(request).accounts.sign_out(principal.session_id)
    response = web.Response(status=204)
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


@routes.operation("GET", "/api/v1/me", summary="The signed-in account", scope="account")
async def me(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    return web.json_response(user_json(await hub_of(request).accounts.user(principal.user_id)))


@routes.operation("GET", "/api/v1/tokens", summary="The account's API tokens (never their secrets)", scope="account")
async def list_tokens(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    tokens = await hub_of(request).accounts.tokens(principal.user_id)
    return web.json_response({"tokens": [token_json(token) for token in tokens]})


@routes.operation(
    "POST",
    "/api/v1/tokens",
    summary="A new API token; its secret is shown once",
    scope="account",
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "scopes"],
        "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 100},
            "scopes": {"type": "array", "minItems": 1, "items": {"type": "string", "enum": sorted(SCOPES)}},
            "expires_days": {"type": "integer", "minimum": 1, "maximum": 3650},
        },
    },
    responses={201: "Created"},
)
async def create_token(request: web.Request, principal: Principal | None, body: Any) -> web.Response:
    assert principal is not None
    issued = await hub_of(request).accounts.create_token(
        principal.user_id, body["name"], frozenset(body["scopes"]), body.get("expires_days")
    )
    return web.json_response(
        {"id": issued.id, "token": issued.secret, "expires_at": _iso(issued.expires_at)}, status=201
    )


@routes.operation(
    "DELETE", "/api/v1/tokens/{token_id}", summary="Revoke a token", scope="account", responses={204: "Revoked"}
)
async def revoke_token(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    token_id = request.match_info["token_id"]
    if not token_id.isdigit():
        raise bad_request("invalid", "A token id is a number.", "token_id")
    await hub_of(request).accounts.revoke_token(principal.user_id, int(token_id))
    return web.Response(status=204)


@routes.operation(
    "POST",
    "/api/v1/pairing-codes",
    summary="A one-time code that links a Home Assistant to this account",
    scope="account",
    responses={201: "Created"},
)
async def create_pairing_code(request: web.Request, principal: Principal | None, _body: Any) -> web.Response:
    assert principal is not None
    code, expires_at = await hub_of(request).accounts.create_pairing_code(principal.user_id)
    return web.json_response({"code": code, "expires_at": _iso(expires_at)}, status=201)


@routes.operation(
    "POST",
    "/api/v1/link/pair",
    summary="Redeem a pairing code for a `link` token (called by Home Assistant)",
    scope=None,
    body={
        "type": "object",
        "additionalProperties": False,
        "required": ["code"],
        "properties": {"code": {"type": "string", "maxLength": 20}},
    },
    responses={201: "Linked", 400: "Unknown, used or expired code", 429: "Too many failed attempts"},
)
async def pair(request: web.Request, _principal: Principal | None, body: Any) -> web.Response:
    issued = await hub_of(request).accounts.redeem_pairing_code(body["code"], request.remote or "unknown")
    return web.json_response({"token": issued.secret, "token_id": issued.id}, status=201)


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "email_verified": user.email_verified_at is not None,
        "name": user.name,
        "host": user.is_host,
        "driver": user.is_driver,
        "admin": user.is_admin,
    }


def token_json(token: ApiToken) -> dict[str, Any]:
    return {
        "id": token.id,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": token.scopes.split(),
        "created_at": _iso(token.created_at),
        "expires_at": _iso(token.expires_at),
        "last_used_at": _iso(token.last_used_at),
    }


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat()

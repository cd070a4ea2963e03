"""Who is asking: a browser session cookie or a bearer token, resolved once per request, checked per scope."""

from __future__ import annotations

from urllib.parse import urlsplit

from aiohttp import web

from ..accounts.principal import Principal
from .context import hub_of
from .errors import ApiError

SESSION_COOKIE = "chargeshare_session"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


async def authenticate(request: web.Request, scope: str | None) -> Principal | None:
    """The caller, or None for an anonymous one on a public operation; refuses what `scope` does not allow."""
    accounts = hub_of(request).accounts
    principal: Principal | None = None
    header = request.headers.get("Authorization", "")
    if header:
        kind, _, secret = header.partition(" ")
        if kind.lower() != "bearer" or not secret:
            raise _unauthorized("Use `Authorization: Bearer <token>`.")
        principal = await accounts.principal_for_token(secret.strip())
        if principal is None:
            raise _unauthorized("The token is unknown, expired or revoked.")
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = await accounts.principal_for_session(cookie)
        if principal is not None and request.method in UNSAFE_METHODS:
            _same_origin(request, hub_of(request).config.base_url)
    if scope is None:
        return principal
    if principal is None:
        raise _unauthorized("Sign in, or send an API token.")
    if scope not in principal.scopes:
        raise ApiError(403, "insufficient_scope", f"This token lacks the scope {scope!r}.")
    return principal


def _same_origin(request: web.Request, base_url: str) -> None:
    """A cookie-authenticated change must come from the hub's own pages, not from another site."""
    origin = request.headers.get("Origin")
    if origin is None:
        return
    expected = urlsplit(base_url)
    if urlsplit(origin)[:2] != expected[:2] and origin != f"{request.scheme}://{request.host}":
        raise ApiError(403, "cross_origin", "Requests from other sites are refused.")


def _unauthorized(message: str) -> ApiError:
    error = ApiError(401, "unauthorized", message)
    error.headers["WWW-Authenticate"] = 'Bearer realm="chargeshare"'
    return error

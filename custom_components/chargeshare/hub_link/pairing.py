"""Pairing with a hub (docs/hub-link.md, "Pairing and authentication"): check the address, then trade the
one-time code from the hub's "Link Home Assistant" page for the link token, or sign in to the hub once to get
such a code (the password is used for that and forgotten; the session is signed out at once).

Errors carry the config flow's error key (translations: config.error.*).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import Any, Final

import aiohttp
from yarl import URL

REQUEST_TIMEOUT_S: Final = 15.0
MAX_CODE_LENGTH: Final = 20  # the hub's limit; codes are 8 characters, shown as XXXX-XXXX
SESSION_COOKIE: Final = "chargeshare_session"


class PairingError(Exception):
    """`reason` is the config flow's error key; the message says more for the log."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Paired:
    token: str
    token_id: int | None


def normalize_hub_url(text: str) -> str:
    """The hub's address as the entry keeps it: http(s), a host, no query, no trailing slash."""
    try:
        url = URL(text.strip())
    except ValueError as err:
        raise PairingError("invalid_url", f"{text!r} is not an address: {err}") from err
    if url.scheme not in ("http", "https") or not url.host:
        raise PairingError("invalid_url", f"{text!r} is not an http:// or https:// address")
    if url.query_string or url.fragment or url.user or url.password:
        raise PairingError("invalid_url", f"{text!r}: the hub's address has no query, fragment or user")
    return str(url.with_path(url.path.rstrip("/")))


def hub_unique_id(hub_url: str) -> str:
    """One link per hub address: its host and port (the scheme and path may change, the hub stays)."""
    url = URL(hub_url)
    return f"{url.host}:{url.port}".lower()


async def async_check_hub(session: aiohttp.ClientSession, hub_url: str) -> None:
    """The address answers /healthz as a ChargeShare hub does; PairingError otherwise."""
    body = await _request(session, "GET", f"{hub_url}/healthz", None)
    if body.status != 200 or not isinstance(body.json, dict) or body.json.get("status") != "ok":
        raise PairingError("not_a_hub", f"{hub_url}/healthz answered HTTP {body.status}: not a ChargeShare hub")


async def async_pair(session: aiohttp.ClientSession, hub_url: str, code: str) -> Paired:
    """The link token for a pairing code; PairingError("invalid_code") for a wrong, used or expired one."""
    code = code.strip()
    if not code or len(code) > MAX_CODE_LENGTH:
        raise PairingError("invalid_code", "a pairing code has 8 characters")
    body = await _request(session, "POST", f"{hub_url}/api/v1/link/pair", {"code": code})
    if body.status == 201 and isinstance(body.json, dict) and isinstance(body.json.get("token"), str):
        token_id = body.json.get("token_id")
        return Paired(body.json["token"], token_id if isinstance(token_id, int) else None)
    if body.status == 429:
        raise PairingError("too_many_attempts", "the hub refuses pairing from here for a while")
    if body.status == 400:
        raise PairingError("invalid_code", "the hub says the pairing code is unknown, used or expired")
    raise PairingError("hub_unreachable", f"the hub answered the pairing with HTTP {body.status}")


async def async_pair_signed_in(session: aiohttp.ClientSession, hub_url: str, email: str, password: str) -> Paired:
    """The link token, for the host's hub account: sign in, get a pairing code, sign out, trade the code."""
    signed_in = await _request(session, "POST", f"{hub_url}/api/v1/session", {"email": email, "password": password})
    if signed_in.status == 429:
        raise PairingError("too_many_attempts", "the hub refuses signing in from here for a while")
    if signed_in.status in (400, 401):
        raise PairingError("invalid_auth", "the hub does not know this email address and password")
    cookie = signed_in.cookies.get(SESSION_COOKIE)
    if signed_in.status != 200 or cookie is None:
        raise PairingError("hub_unreachable", f"the hub answered the sign-in with HTTP {signed_in.status}")
    cookies = {SESSION_COOKIE: cookie}
    try:
        created = await _request(session, "POST", f"{hub_url}/api/v1/pairing-codes", None, cookies)
    finally:
        with contextlib.suppress(PairingError):  # a session not signed out expires by itself
            await _request(session, "DELETE", f"{hub_url}/api/v1/session", None, cookies)
    if created.status != 201 or not isinstance(created.json, dict) or not isinstance(created.json.get("code"), str):
        raise PairingError("hub_unreachable", f"the hub answered the pairing code request with HTTP {created.status}")
    return await async_pair(session, hub_url, created.json["code"])


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    json: Any
    cookies: dict[str, str]


async def _request(
    session: aiohttp.ClientSession,
    method: str,
    url: str,
    body: dict[str, Any] | None,
    cookies: dict[str, str] | None = None,
) -> _Answer:
    try:
        async with (
            asyncio.timeout(REQUEST_TIMEOUT_S),
            session.request(method, url, json=body, cookies=cookies, allow_redirects=False) as response,
        ):
            # Read from the answer, not the session's jar: a Secure cookie from a plain-HTTP hub never gets there.
            received = {name: morsel.value for name, morsel in response.cookies.items()}
            try:
                return _Answer(response.status, await response.json(content_type=None), received)
            except ValueError:
                return _Answer(response.status, None, received)
    except TimeoutError as err:
        raise PairingError("hub_unreachable", f"{url} did not answer in time") from err
    except (aiohttp.ClientError, OSError) as err:
        raise PairingError("hub_unreachable", f"cannot reach {url}: {err}") from err

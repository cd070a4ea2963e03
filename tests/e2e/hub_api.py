"""The hub's REST API as its users call it: a host and a driver register, sign in and make API tokens; the host
gets a pairing code and sets booking terms; the driver books; both read bookings, sessions and CDRs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp

SESSION_COOKIE = "chargeshare_session"
PASSWORD = "correct horse battery staple"
TOKEN_SCOPES = ["account", "listings", "bookings"]


@dataclass(frozen=True, slots=True)
class Account:
    name: str
    headers: dict[str, str]  # the bearer token


def ocpi_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class HubApi:
    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self._http = http
        self._url = url

    async def account(self, email: str, name: str, *, host: bool) -> Account:
        """A new account, as a person makes one: register, sign in, create an API token (then used throughout)."""
        registration = {"email": email, "password": PASSWORD, "name": name, "host": host, "driver": not host}
        await self._call("POST", "/api/v1/accounts", 201, registration)
        async with self._http.post(
            f"{self._url}/api/v1/session", json={"email": email, "password": PASSWORD}
        ) as signed_in:
            assert signed_in.status == 200, await signed_in.text()
            # Read from the answer: the cookie is Secure, and a client keeps none from a plain-HTTP address.
            cookie = signed_in.cookies[SESSION_COOKIE].value
        signed_in_headers = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        new_token = {"name": "e2e", "scopes": TOKEN_SCOPES}
        token = await self._call("POST", "/api/v1/tokens", 201, new_token, signed_in_headers)
        return Account(name, {"Authorization": f"Bearer {token['token']}"})

    async def pairing_code(self, host: Account) -> str:
        """What the host's "Link Home Assistant" page shows."""
        code: str = (await self._call("POST", "/api/v1/pairing-codes", 201, None, host.headers))["code"]
        return code

    async def set_terms(self, host: Account, location_id: str, terms: dict[str, Any]) -> None:
        await self._call("PUT", f"/api/v1/listings/{location_id}/booking-terms", 200, terms, host.headers)

    async def book(self, driver: Account, location_id: str, start: datetime, end: datetime) -> dict[str, Any]:
        period = {"start_from": ocpi_time(start), "end_before": ocpi_time(end)}
        body = {"location_id": location_id, "period": period}
        result: dict[str, Any] = await self._call("POST", "/api/v1/bookings", 201, body, driver.headers)
        return result

    async def booking(self, who: Account, booking_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/api/v1/bookings/{booking_id}", 200, None, who.headers)

    async def listing(self, location_id: str) -> dict[str, Any]:
        return await self._call("GET", f"/api/v1/listings/{location_id}", 200, None, {})

    async def evse_status(self, location_id: str, evse_uid: str) -> str:
        """The status the listing shows for one of its EVSEs, as anyone browsing the hub sees it."""
        evses = (await self.listing(location_id))["evses"]
        status: str = next(evse["status"] for evse in evses if evse["uid"] == evse_uid)
        return status

    async def sessions(self, who: Account) -> list[dict[str, Any]]:
        sessions: list[dict[str, Any]] = (await self._call("GET", "/api/v1/sessions", 200, None, who.headers))[
            "sessions"
        ]
        return sessions

    async def cdrs(self, who: Account) -> list[dict[str, Any]]:
        cdrs: list[dict[str, Any]] = (await self._call("GET", "/api/v1/cdrs", 200, None, who.headers))["cdrs"]
        return cdrs

    async def _call(
        self, method: str, path: str, expected: int, body: Any, headers: dict[str, str] | None = None
    ) -> Any:
        async with self._http.request(method, f"{self._url}{path}", json=body, headers=headers) as response:
            assert response.status == expected, f"{method} {path}: {response.status} {await response.text()}"
            return await response.json()


async def until_hub(check: Callable[[], Awaitable[bool]], within_s: float) -> None:
    """Wait until `check()` (which asks the hub's API) holds; fail the test if it never does."""
    async with asyncio.timeout(within_s):
        while not await check():  # noqa: ASYNC110 - another process's state: nothing to wait on but asking
            await asyncio.sleep(0.05)

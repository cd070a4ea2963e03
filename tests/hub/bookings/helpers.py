"""Accounts, listings and periods the booking tests use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.accounts.tables import User
from chargeshare_hub.web.context import HUB
from tests.hub.listings.helpers import home_charger
from tests.hub.tariff_catalog.helpers import example_tariff

# A Monday, 10:00 in Köln (Europe/Berlin, summer time).
START_OF_TESTS = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


class Clock:
    """The bookings service's clock: it stands still until a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    headers: dict[str, str]


async def actor(
    client: Any, email: str, *, host: bool = False, admin: bool = False, scopes: frozenset[str] = ALL_SCOPES
) -> Actor:
    """An account with an API token (made directly: hashing a password per account would slow the tests)."""
    hub = client.server.app[HUB]
    async with hub.db.write() as session:
        user = User(email=email, password_hash="!", name=email.split("@", maxsplit=1)[0], is_host=host, is_admin=admin)
        session.add(user)
        await session.flush()
        user_id = user.id
    issued = await hub.accounts.create_token(user_id, "tests", scopes)
    return Actor(user_id, {"Authorization": f"Bearer {issued.secret}"})


def two_evse_charger(**changes: Any) -> dict[str, Any]:
    listing = home_charger(**changes)
    if "evses" not in changes:
        second = {**listing["evses"][0], "uid": "wallbox-2"}
        listing["evses"].append(second)
    return listing


async def listing(client: Any, host: Actor, terms: dict[str, Any] | None = None, **changes: Any) -> str:
    response = await client.post("/api/v1/listings", json=two_evse_charger(**changes), headers=host.headers)
    assert response.status == 201, await response.text()
    location_id: str = (await response.json())["id"]
    if terms is not None:
        put = await client.put(f"/api/v1/listings/{location_id}/booking-terms", json=terms, headers=host.headers)
        assert put.status == 200, await put.text()
    return location_id


def period(hours_from_now: float, hours: float = 1.0, *, now: datetime = START_OF_TESTS) -> dict[str, str]:
    start = now + timedelta(hours=hours_from_now)
    return {"start_from": _z(start), "end_before": _z(start + timedelta(hours=hours))}


def _z(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def book(client: Any, driver: Actor, location_id: str, when: dict[str, str], **fields: Any) -> Any:
    return await client.post(
        "/api/v1/bookings", json={"location_id": location_id, "period": when, **fields}, headers=driver.headers
    )


async def booked(client: Any, driver: Actor, location_id: str, when: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await book(client, driver, location_id, when, **fields)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def cancel(client: Any, driver: Actor, booking_id: str) -> None:
    """The driver cancels the booking (it must be theirs to cancel)."""
    response = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
    )
    assert response.status == 200, await response.text()


OVERLAPPING_PAIRS = text(
    "SELECT count(*) FROM bookings a JOIN bookings b ON a.evse_row_id = b.evse_row_id AND a.id < b.id"
    " AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"
    " WHERE a.reservation_status IN ('PENDING', 'RESERVED') AND b.reservation_status IN ('PENDING', 'RESERVED')"
)


async def overlapping_pairs(session: AsyncSession) -> int:
    return int(await session.scalar(OVERLAPPING_PAIRS) or 0)


def host_tariff(name: str) -> dict[str, Any]:
    """A spec example as a host sends it (the hub gives id and party)."""
    tariff = example_tariff(name)
    return {
        key: value for key, value in tariff.items() if key not in ("id", "country_code", "party_id", "last_updated")
    }


async def priced_listing(client: Any, tariff_name: str, terms: dict[str, Any] | None = None) -> tuple[Actor, str]:
    """A host's listing whose every connector names the spec's example tariff `tariff_name`."""
    host = await actor(client, "host@example.org", host=True)
    response = await client.post("/api/v1/tariffs", json=host_tariff(tariff_name), headers=host.headers)
    assert response.status == 201, await response.text()
    tariff_id = (await response.json())["id"]
    listing_id = await listing(client, host, terms)
    document = await (await client.get(f"/api/v1/listings/{listing_id}", headers=host.headers)).json()
    editable = {k: v for k, v in document.items() if k not in ("id", "last_updated", "images", "publish_allowed_to")}
    for evse in editable["evses"]:
        evse.pop("last_updated", None)
        for connector in evse["connectors"]:
            connector.pop("last_updated", None)
            connector.pop("max_power", None)
            connector["tariff_ids"] = [tariff_id]
    replaced = await client.put(f"/api/v1/listings/{listing_id}", json=editable, headers=host.headers)
    assert replaced.status == 200, await replaced.text()
    return host, listing_id

"""A user downloads everything the hub holds about them: their rows and what belongs to them, no secrets,
nobody else's rows."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import booked, listing, period
from tests.hub.privacy.conftest import person


async def _export(client: Any, headers: dict[str, str]) -> dict[str, Any]:
    response = await client.get("/api/v1/me/export", headers=headers)
    assert response.status == 200, await response.text()
    assert response.headers["Content-Disposition"].startswith("attachment;")
    document: dict[str, Any] = await response.json()
    return document


async def test_a_driver_gets_their_account_tokens_and_bookings_without_secrets(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(24))

    tables = (await _export(client, driver.headers))["tables"]

    assert [row["email"] for row in tables["users"]] == ["driver@example.org"]
    assert "password_hash" not in tables["users"][0]
    assert [row["name"] for row in tables["api_tokens"]] == ["tests"]
    assert "token_hash" not in tables["api_tokens"][0]
    assert [row["id"] for row in tables["bookings"]] == [booking["id"]]
    assert "locations" not in tables  # the host's listing is the host's data


async def test_a_host_gets_their_listing_with_its_chargers_and_connectors(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    location_id = await listing(client, host, terms={"approval": "INSTANT"})
    await booked(client, driver, location_id, period(24))

    tables = (await _export(client, host.headers))["tables"]

    assert [row["id"] for row in tables["locations"]] == [location_id]
    assert sorted(row["uid"] for row in tables["evses"]) == ["wallbox-1", "wallbox-2"]
    assert len(tables["connectors"]) == 2
    assert [row["location_id"] for row in tables["booking_terms"]] == [location_id]
    assert "bookings" not in tables  # a driver's booking at the charger is the driver's data


async def test_the_export_needs_the_account_itself(client: Any) -> None:
    linked = await person(client, "host@example.org", host=True, scopes=frozenset({"link"}))

    anonymous = await client.get("/api/v1/me/export")
    link_token = await client.get("/api/v1/me/export", headers=linked.headers)

    assert anonymous.status == 401
    assert link_token.status == 403

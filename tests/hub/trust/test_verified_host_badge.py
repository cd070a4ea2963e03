"""A host with a verified address and three fulfilled bookings at their listings is shown as a verified host."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chargeshare_hub.config import ConfigError, HubConfig, load_config
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.charging.helpers import charger, reserved
from tests.hub.conftest import clocked_app
from tests.hub.trust.helpers import fulfilled, verify, with_status

SEARCH = "/api/v1/search?lat=50.93&lon=6.96&radius_km=5"


async def _host(client: Any, listing_id: str, viewer: Actor) -> dict[str, Any]:
    response = await client.get(f"/api/v1/listings/{listing_id}", headers=viewer.headers)
    assert response.status == 200
    host: dict[str, Any] = (await response.json())["host"]
    return host


async def _search_badge(client: Any) -> list[bool]:
    response = await client.get(SEARCH)
    assert response.status == 200
    return [result["host_verified"] for result in (await response.json())["results"]]


async def _fulfil(client: Any, host: Actor, driver: Actor, listing_id: str, count: int) -> None:
    for number in range(count):
        await fulfilled(client, host, driver, listing_id, f"TAG{number}")


async def test_a_new_host_is_shown_without_badge_or_rating(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)

    assert await _host(client, listing_id, driver) == {"name": "hanna", "verified": False, "rating": None}
    assert await _search_badge(client) == [False]


async def test_a_verified_host_earns_the_badge_with_the_third_fulfilled_booking(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)
    await verify(client, host)
    await _fulfil(client, host, driver, listing_id, 2)
    before = await _host(client, listing_id, driver)

    await fulfilled(client, host, driver, listing_id, "THIRD")

    assert before["verified"] is False
    assert (await _host(client, listing_id, driver))["verified"] is True
    assert await _search_badge(client) == [True]


async def test_bookings_at_all_the_hosts_listings_count(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    first = await charger(client, host)
    second = await charger(client, host, name="Carport")
    await verify(client, host)
    await _fulfil(client, host, driver, first, 2)

    await fulfilled(client, host, driver, second, "AT-SECOND")

    assert (await _host(client, first, driver))["verified"] is True
    assert await _search_badge(client) == [True, True]


async def test_fulfilled_bookings_without_a_verified_address_earn_nothing_until_it_is_verified(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)
    await _fulfil(client, host, driver, listing_id, 3)
    unverified = await _host(client, listing_id, driver)

    await verify(client, host)

    assert unverified["verified"] is False
    assert (await _host(client, listing_id, driver))["verified"] is True


async def test_bookings_that_were_not_fulfilled_do_not_count(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)
    await verify(client, host)
    await _fulfil(client, host, driver, listing_id, 2)
    for tag, status in (("GONE", "CANCELED"), ("LATE", "NO_SHOW"), ("HELD", "RESERVED")):
        await with_status(client, await reserved(client, driver, listing_id, tag), status)

    assert (await _host(client, listing_id, driver))["verified"] is False


async def test_another_hosts_bookings_do_not_lend_the_badge(client: Any) -> None:
    busy = await actor(client, "busy@example.org", host=True)
    new = await actor(client, "new@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    busy_listing = await charger(client, busy)
    new_listing = await charger(
        client, new, name="New one", coordinates={"latitude": "50.930000", "longitude": "6.970000"}
    )
    await verify(client, busy, new)

    await _fulfil(client, busy, driver, busy_listing, 3)

    assert (await _host(client, busy_listing, driver))["verified"] is True
    assert (await _host(client, new_listing, driver))["verified"] is False


async def test_how_many_bookings_earn_it_is_a_setting(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock
) -> None:
    client = await aiohttp_client(clocked_app(replace(hub_config, verified_host_bookings=1), db, clock))
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)
    await verify(client, host)

    await fulfilled(client, host, driver, listing_id, "ONLY")

    assert (await _host(client, listing_id, driver))["verified"] is True


def test_the_setting_is_not_negative() -> None:
    with pytest.raises(ConfigError, match="verified_host_bookings: must be 0 or more"):
        load_config(None, {"CHARGESHARE_HUB_VERIFIED_HOST_BOOKINGS": "-1"})


async def test_the_host_sees_the_badge_on_their_own_listings(client: Any) -> None:
    host = await actor(client, "hanna@example.org", host=True)
    driver = await actor(client, "dario@example.org")
    listing_id = await charger(client, host)
    await verify(client, host)
    await _fulfil(client, host, driver, listing_id, 3)

    response = await client.get("/api/v1/listings", headers=host.headers)

    assert [listing["host"]["verified"] for listing in (await response.json())["listings"]] == [True]

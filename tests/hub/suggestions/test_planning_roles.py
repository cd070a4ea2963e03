"""Who may plan a charge at a listing: a driver who may see it, with their own vehicle."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor, listing
from tests.hub.vehicles.helpers import add_vehicle

WINDOW = "from=2026-06-01T08:00:00Z&to=2026-06-02T08:00:00Z"


async def _statuses(client: Any, caller: Actor | None, location_id: str, vehicle_id: str) -> tuple[int, int]:
    headers = caller.headers if caller else {}
    query = f"vehicle={vehicle_id}&energy_kwh=11"
    estimate = await client.get(f"/api/v1/listings/{location_id}/estimate?{query}", headers=headers)
    suggestions = await client.get(f"/api/v1/listings/{location_id}/suggestions?{query}&{WINDOW}", headers=headers)
    return estimate.status, suggestions.status


async def test_an_invite_only_listing_is_planned_only_by_its_invitees(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    friend, stranger = await actor(client, "friend@example.org"), await actor(client, "stranger@example.org")
    location_id = await listing(client, host, publish=False, publish_allowed_to=["friend@example.org"])
    friends_car, strangers_car = await add_vehicle(client, friend), await add_vehicle(client, stranger)

    assert await _statuses(client, friend, location_id, friends_car["id"]) == (200, 200)
    assert await _statuses(client, stranger, location_id, strangers_car["id"]) == (404, 404)


async def test_a_removed_listing_cannot_be_planned(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    car = await add_vehicle(client, driver)
    assert (await client.delete(f"/api/v1/listings/{location_id}", headers=host.headers)).status == 204

    assert await _statuses(client, driver, location_id, car["id"]) == (404, 404)


@pytest.mark.parametrize("caller", ["other driver", "host", "admin"])
async def test_only_the_vehicles_driver_plans_with_it(client: Any, caller: str) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    callers = {
        "other driver": await actor(client, "other@example.org"),
        "host": host,
        "admin": await actor(client, "admin@example.org", admin=True),
    }
    location_id = await listing(client, host)
    car = await add_vehicle(client, driver)

    assert await _statuses(client, callers[caller], location_id, car["id"]) == (404, 404)
    assert await _statuses(client, driver, location_id, car["id"]) == (200, 200)


async def test_anonymous_callers_and_tokens_without_the_bookings_scope_are_refused(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    link = await actor(client, "link@example.org", scopes=frozenset({"link"}))
    location_id = await listing(client, host)
    car = await add_vehicle(client, driver)

    assert await _statuses(client, None, location_id, car["id"]) == (401, 401)
    assert await _statuses(client, link, location_id, car["id"]) == (403, 403)

"""A vehicle profile is its driver's alone: anyone else, admins included, finds none."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor, actor
from tests.hub.vehicles.helpers import CITY_CAR, add_vehicle


async def _attempts(client: Any, vehicle_id: str, caller: Actor) -> tuple[int, int, int]:
    path = f"/api/v1/vehicles/{vehicle_id}"
    read = await client.get(path, headers=caller.headers)
    replaced = await client.put(path, json=CITY_CAR | {"name": "Mine now"}, headers=caller.headers)
    deleted = await client.delete(path, headers=caller.headers)
    return read.status, replaced.status, deleted.status


async def test_another_driver_finds_no_such_vehicle_and_changes_nothing(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    vehicle = await add_vehicle(client, driver)

    assert await _attempts(client, vehicle["id"], other) == (404, 404, 404)
    assert (await (await client.get("/api/v1/vehicles", headers=other.headers)).json()) == {"vehicles": []}
    read = await client.get(f"/api/v1/vehicles/{vehicle['id']}", headers=driver.headers)
    assert (await read.json()) == vehicle


async def test_a_host_and_an_admin_find_no_drivers_vehicle(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    host = await actor(client, "host@example.org", host=True)
    admin = await actor(client, "admin@example.org", admin=True)
    vehicle = await add_vehicle(client, driver)

    assert await _attempts(client, vehicle["id"], host) == (404, 404, 404)
    assert await _attempts(client, vehicle["id"], admin) == (404, 404, 404)


async def test_anonymous_callers_must_sign_in(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    vehicle = await add_vehicle(client, driver)

    statuses = [
        (await client.get("/api/v1/vehicles")).status,
        (await client.post("/api/v1/vehicles", json=CITY_CAR)).status,
        (await client.get(f"/api/v1/vehicles/{vehicle['id']}")).status,
        (await client.delete(f"/api/v1/vehicles/{vehicle['id']}")).status,
    ]

    assert statuses == [401, 401, 401, 401]


async def test_a_token_without_the_bookings_scope_is_refused(client: Any) -> None:
    link = await actor(client, "driver@example.org", scopes=frozenset({"link"}))

    response = await client.post("/api/v1/vehicles", json=CITY_CAR, headers=link.headers)

    assert (response.status, (await response.json())["error"]["code"]) == (403, "insufficient_scope")

"""A driver's vehicle profiles: made, read, replaced and deleted; exactly one is the default."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.vehicles.tables import Vehicle
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.vehicles.helpers import CCS_CAR, CITY_CAR, add_vehicle, error_of


async def _defaults(client: Any, headers: dict[str, str]) -> list[str]:
    listed = await (await client.get("/api/v1/vehicles", headers=headers)).json()
    return [vehicle["name"] for vehicle in listed["vehicles"] if vehicle["default"]]


async def test_a_vehicle_is_kept_as_sent(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    created = await add_vehicle(client, driver, **CCS_CAR)
    read = await (await client.get(f"/api/v1/vehicles/{created['id']}", headers=driver.headers)).json()

    assert read == created
    assert {key: read[key] for key in CCS_CAR} == CCS_CAR
    assert read["default"] is True  # the first vehicle
    assert read["created_at"] == "2026-06-01T08:00:00Z"


async def test_a_vehicle_without_dc_or_battery_says_so_with_null(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    created = await add_vehicle(client, driver)

    assert (created["max_dc_power_w"], created["usable_battery_kwh"]) == (None, None)


async def test_marking_another_vehicle_default_moves_the_default(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    await add_vehicle(client, driver, name="First")
    await add_vehicle(client, driver, name="Second")
    assert await _defaults(client, driver.headers) == ["First"]

    await add_vehicle(client, driver, name="Third", default=True)

    assert await _defaults(client, driver.headers) == ["Third"]


async def test_replacing_a_vehicle_changes_it_whole(client: Any, clock: Clock) -> None:
    driver = await actor(client, "driver@example.org")
    created = await add_vehicle(client, driver, **CCS_CAR)
    clock.advance(hours=1)

    response = await client.put(f"/api/v1/vehicles/{created['id']}", json=CITY_CAR, headers=driver.headers)

    replaced = await response.json()
    assert response.status == 200
    assert {key: replaced[key] for key in CITY_CAR} == CITY_CAR
    assert (replaced["max_dc_power_w"], replaced["usable_battery_kwh"]) == (None, None)
    assert replaced["default"] is True  # left out: unchanged
    assert replaced["last_updated"] == "2026-06-01T09:00:00Z"


async def test_replacing_can_make_a_vehicle_the_default(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    await add_vehicle(client, driver, name="First")
    second = await add_vehicle(client, driver, name="Second")

    response = await client.put(
        f"/api/v1/vehicles/{second['id']}", json=CITY_CAR | {"name": "Second", "default": True}, headers=driver.headers
    )

    assert response.status == 200
    assert await _defaults(client, driver.headers) == ["Second"]


async def test_the_default_is_not_unset_but_moved(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    first = await add_vehicle(client, driver, name="First")
    await add_vehicle(client, driver, name="Second")

    response = await client.put(
        f"/api/v1/vehicles/{first['id']}", json=CITY_CAR | {"default": False}, headers=driver.headers
    )

    assert await error_of(response) == (400, "invalid", "default")
    assert await _defaults(client, driver.headers) == ["First"]


async def test_deleting_the_default_makes_the_oldest_remaining_vehicle_the_default(client: Any, clock: Clock) -> None:
    driver = await actor(client, "driver@example.org")
    first = await add_vehicle(client, driver, name="First")
    for name in ("Second", "Third"):
        clock.advance(minutes=1)
        await add_vehicle(client, driver, name=name)

    deleted = await client.delete(f"/api/v1/vehicles/{first['id']}", headers=driver.headers)
    read = await client.get(f"/api/v1/vehicles/{first['id']}", headers=driver.headers)

    assert (deleted.status, read.status) == (204, 404)
    assert await _defaults(client, driver.headers) == ["Second"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ac_phases": 2}, "ac_phases"),
        ({"max_ac_power_w": 0}, "max_ac_power_w"),
        ({"max_ac_power_w": -11_000}, "max_ac_power_w"),
        ({"max_ac_power_w": 80_000}, "max_ac_power_w"),
        ({"max_ac_power_w": "11 kW"}, "max_ac_power_w"),
        ({"max_dc_power_w": 0}, "max_dc_power_w"),
        ({"usable_battery_kwh": 0}, "usable_battery_kwh"),
        ({"usable_battery_kwh": 1000}, "usable_battery_kwh"),
        ({"connector_standards": []}, "connector_standards"),
        ({"connector_standards": ["TYPE_2"]}, "connector_standards[0]"),
        ({"connector_standards": ["IEC_62196_T2", "IEC_62196_T2"]}, "connector_standards"),
        ({"connector_standards": ["CHADEMO"]}, "max_dc_power_w"),  # a DC-only connector needs the DC power
        ({"name": ""}, "name"),
        ({"colour": "red"}, "colour"),
    ],
)
async def test_a_bad_profile_is_refused_and_nothing_is_kept(client: Any, changes: dict[str, Any], field: str) -> None:
    driver = await actor(client, "driver@example.org")

    response = await client.post("/api/v1/vehicles", json=CITY_CAR | changes, headers=driver.headers)

    assert await error_of(response) == (400, "invalid", field)
    assert (await (await client.get("/api/v1/vehicles", headers=driver.headers)).json()) == {"vehicles": []}


async def test_a_required_field_left_out_is_named(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    body = {key: value for key, value in CITY_CAR.items() if key != "ac_phases"}

    response = await client.post("/api/v1/vehicles", json=body, headers=driver.headers)

    assert await error_of(response) == (400, "invalid", "ac_phases")


async def test_a_driver_keeps_at_most_twenty_vehicles(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    for number in range(20):
        await add_vehicle(client, driver, name=f"Car {number}")

    response = await client.post("/api/v1/vehicles", json=CITY_CAR, headers=driver.headers)

    assert await error_of(response) == (409, "too_many_vehicles", None)


async def test_the_database_refuses_a_second_default(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    await add_vehicle(client, driver)
    now = datetime(2026, 6, 1, tzinfo=UTC)

    with pytest.raises(IntegrityError):
        async with client.server.app[HUB].db.write() as session:
            session.add(Vehicle(id="second", owner_id=driver.user_id, name="Second", connector_standards=[],
                                max_ac_power_w=3_700, ac_phases=1, is_default=True, created_at=now,
                                last_updated=now))  # fmt: skip

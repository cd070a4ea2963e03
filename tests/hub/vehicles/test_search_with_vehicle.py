"""Searching with one's vehicle: only connectors it takes, and with an energy, the charging time per result."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor
from tests.hub.listings.helpers import home_charger
from tests.hub.vehicles.helpers import CCS_CAR, add_vehicle, error_of

AROUND = "lat=50.93&lon=6.96&radius_km=10"


def _connector(standard: str, power_type: str, volts: int, amps: int) -> dict[str, Any]:
    fmt = "CABLE" if power_type == "DC" else "SOCKET"
    return {"id": "1", "standard": standard, "format": fmt, "power_type": power_type, "max_voltage": volts,
            "max_amperage": amps}  # fmt: skip


PLACES = {
    "Type 2, 11 kW": _connector("IEC_62196_T2", "AC_3_PHASE", 230, 16),
    "Type 2, single phase 7.4 kW": _connector("IEC_62196_T2", "AC_1_PHASE", 230, 32),
    "CCS, 50 kW": _connector("IEC_62196_T2_COMBO", "DC", 500, 100),
    "CHAdeMO, 50 kW": _connector("CHADEMO", "DC", 500, 100),
    "Schuko": _connector("DOMESTIC_F", "AC_1_PHASE", 230, 10),
}


@pytest.fixture
async def host(client: Any) -> Actor:
    """A host with one listing per kind of connector, a few hundred metres apart."""
    host = await actor(client, "host@example.org", host=True)
    for index, (name, connector) in enumerate(PLACES.items()):
        listing = home_charger(
            name=name,
            coordinates={"latitude": f"{50.93 + index / 1000:.6f}", "longitude": "6.960000"},
            evses=[{"uid": "evse-1", "status": "AVAILABLE", "connectors": [connector]}],
        )
        response = await client.post("/api/v1/listings", json=listing, headers=host.headers)
        assert response.status == 201, await response.text()
    return host


async def _results(client: Any, driver: Actor, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/search?{AROUND}&{query}", headers=driver.headers)
    assert response.status == 200, await response.text()
    return {result["name"]: result for result in (await response.json())["results"]}


async def test_a_vehicle_finds_only_the_connectors_it_takes(client: Any, host: Actor) -> None:
    driver = await actor(client, "driver@example.org")
    city_car = await add_vehicle(client, driver)
    ccs_car = await add_vehicle(client, driver, **CCS_CAR)

    city = await _results(client, driver, f"vehicle={city_car['id']}")
    ccs = await _results(client, driver, f"vehicle={ccs_car['id']}")

    assert set(city) == {"Type 2, 11 kW", "Type 2, single phase 7.4 kW"}
    assert set(ccs) == {"Type 2, 11 kW", "Type 2, single phase 7.4 kW", "CCS, 50 kW"}
    assert all("charging_minutes" not in result for result in (*city.values(), *ccs.values()))


async def test_with_an_energy_each_result_carries_its_charging_time(client: Any, host: Actor) -> None:
    driver = await actor(client, "driver@example.org")
    city_car = await add_vehicle(client, driver)
    ccs_car = await add_vehicle(client, driver, **CCS_CAR)

    city = await _results(client, driver, f"vehicle={city_car['id']}&energy_kwh=11")
    ccs = await _results(client, driver, f"vehicle={ccs_car['id']}&energy_kwh=11")

    # 11 kW three-phase car: 11 kW on three phases; on one phase its share, 11/3 kW.
    assert {name: result["charging_minutes"] for name, result in city.items()} == {
        "Type 2, 11 kW": 60,
        "Type 2, single phase 7.4 kW": 181,
    }
    # 7.4 kW single-phase car: one 16 A phase (3.68 kW) of the three-phase connector, 7.36 kW of the 32 A one,
    # and 50 kW on DC.
    assert {name: result["charging_minutes"] for name, result in ccs.items()} == {
        "Type 2, 11 kW": 180,
        "Type 2, single phase 7.4 kW": 90,
        "CCS, 50 kW": 14,
    }


async def test_pages_of_a_vehicle_search_follow_each_other(client: Any, host: Actor) -> None:
    driver = await actor(client, "driver@example.org")
    ccs_car = await add_vehicle(client, driver, **CCS_CAR)
    query = f"{AROUND}&vehicle={ccs_car['id']}&energy_kwh=20&sort=distance&limit=2"

    first = await (await client.get(f"/api/v1/search?{query}", headers=driver.headers)).json()
    second = await (await client.get(f"/api/v1/search?{query}&cursor={first['next']}", headers=driver.headers)).json()

    names = [result["name"] for result in first["results"] + second["results"]]
    assert names == ["Type 2, 11 kW", "Type 2, single phase 7.4 kW", "CCS, 50 kW"]
    assert second["next"] is None


async def test_another_drivers_vehicle_is_not_found(client: Any, host: Actor) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    vehicle = await add_vehicle(client, driver)

    as_other = await client.get(f"/api/v1/search?{AROUND}&vehicle={vehicle['id']}", headers=other.headers)
    anonymous = await client.get(f"/api/v1/search?{AROUND}&vehicle={vehicle['id']}")

    assert (await error_of(as_other))[0] == 404
    assert (await error_of(anonymous))[0] == 404


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("energy_kwh=10", "vehicle"),  # an energy needs a vehicle
        ("vehicle={id}&standard=CHADEMO", "standard"),  # the vehicle gives the standards
        ("vehicle={id}&energy_kwh=0", "energy_kwh"),
        ("vehicle={id}&energy_kwh=-5", "energy_kwh"),
        ("vehicle={id}&energy_kwh=lots", "energy_kwh"),
        ("vehicle={id}&energy_kwh=nan", "energy_kwh"),
        ("vehicle={id}&energy_kwh=59", "energy_kwh"),  # more than the 58 kWh battery holds
    ],
)
async def test_a_bad_vehicle_search_is_refused(client: Any, query: str, field: str) -> None:
    driver = await actor(client, "driver@example.org")
    vehicle = await add_vehicle(client, driver, **CCS_CAR)

    response = await client.get(f"/api/v1/search?{AROUND}&{query.format(id=vehicle['id'])}", headers=driver.headers)

    assert await error_of(response) == (400, "invalid", field)

"""Vehicles the tests drive, and a hub whose smart-booking services all run on the test's clock."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor

# An 11 kW three-phase Type 2 car without DC (a small city car).
CITY_CAR: dict[str, Any] = {
    "name": "City car",
    "connector_standards": ["IEC_62196_T2"],
    "max_ac_power_w": 11_000,
    "ac_phases": 3,
}
# A 7.4 kW single-phase car that also charges on CCS at up to 100 kW, with a 58 kWh battery.
CCS_CAR: dict[str, Any] = {
    "name": "Hatchback",
    "connector_standards": ["IEC_62196_T2", "IEC_62196_T2_COMBO"],
    "max_ac_power_w": 7_400,
    "ac_phases": 1,
    "max_dc_power_w": 100_000,
    "usable_battery_kwh": 58,
}


async def add_vehicle(client: Any, driver: Actor, **changes: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/vehicles", json=CITY_CAR | changes, headers=driver.headers)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


async def error_of(response: Any) -> tuple[int, str, str | None]:
    """The status, error code and field of a refused request."""
    error = (await response.json())["error"]
    return response.status, error["code"], error["field"]

"""An estimate per connector: the power the vehicle charges with, the minutes an energy takes, and its price."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor
from tests.hub.suggestions.helpers import DAY, NIGHT, connector, energy_price, listing_with, time_of_use
from tests.hub.vehicles.helpers import CCS_CAR, add_vehicle, error_of


async def _estimate(client: Any, driver: Actor, location_id: str, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/listings/{location_id}/estimate?{query}", headers=driver.headers)
    assert response.status == 200, await response.text()
    estimate: dict[str, Any] = await response.json()
    return estimate


async def test_each_connector_gets_its_time_and_price(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing_with(client, host, energy_price(0.30))
    car = await add_vehicle(client, driver)

    estimate = await _estimate(client, driver, location_id, f"vehicle={car['id']}&energy_kwh=22")

    assert estimate == {
        "location_id": location_id,
        "vehicle_id": car["id"],
        "energy_kwh": 22.0,
        "connectors": [
            {
                "evse_uid": "wallbox-1",
                "connector_id": "1",
                "standard": "IEC_62196_T2",
                "power_type": "AC_3_PHASE",
                "max_power": 11_040,
                "usable": True,
                "power_w": 11_000,
                "charging_minutes": 120,
                "price": {"amount": 660, "currency": "EUR"},
            }
        ],
    }


async def test_a_connector_the_vehicle_cannot_use_has_no_time_or_price(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    evse = {"uid": "fast", "status": "AVAILABLE", "connectors": [
        connector("IEC_62196_T2", "AC_3_PHASE", 230, 32, "ac"), connector("CHADEMO", "DC", 500, 100, "dc"),
        connector("IEC_62196_T2_COMBO", "DC", 500, 100, "ccs"),
    ]}  # fmt: skip
    location_id = await listing_with(client, host, evses=[evse])
    city_car, ccs_car = await add_vehicle(client, driver), await add_vehicle(client, driver, **CCS_CAR)

    city = await _estimate(client, driver, location_id, f"vehicle={city_car['id']}&energy_kwh=11")
    ccs = await _estimate(client, driver, location_id, f"vehicle={ccs_car['id']}&energy_kwh=50")

    def times(estimate: dict[str, Any]) -> list[tuple[str, int | None, int | None]]:
        return [(c["connector_id"], c["power_w"], c["charging_minutes"]) for c in estimate["connectors"]]

    assert times(city) == [("ac", 11_000, 60), ("dc", None, None), ("ccs", None, None)]
    assert times(ccs) == [("ac", 7_360, 408), ("dc", None, None), ("ccs", 50_000, 60)]
    assert [c["usable"] for c in city["connectors"]] == [True, False, False]
    assert all(c["price"] is None for c in city["connectors"])  # the connectors name no tariff


async def test_a_time_of_day_tariff_prices_the_charge_when_it_starts(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing_with(client, host, time_of_use())
    car = await add_vehicle(client, driver)
    query = f"vehicle={car['id']}&energy_kwh=11"

    now = await _estimate(client, driver, location_id, query)  # 10:00 in Köln
    tonight = await _estimate(client, driver, location_id, f"{query}&start=2026-06-01T22:00:00%2B02:00")

    assert now["connectors"][0]["price"] == {"amount": round(11 * DAY * 100), "currency": "EUR"}
    assert tonight["connectors"][0]["price"] == {"amount": round(11 * NIGHT * 100), "currency": "EUR"}


async def test_time_priced_charging_costs_by_the_estimated_duration(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    per_hour = {"price_components": [{"type": "TIME", "price": 2.00, "step_size": 60}]}
    location_id = await listing_with(client, host, energy_price(0.20, per_hour))
    car = await add_vehicle(client, driver, max_ac_power_w=3_700, ac_phases=1)  # one phase of the wallbox: 3.68 kW

    estimate = await _estimate(client, driver, location_id, f"vehicle={car['id']}&energy_kwh=11")

    assert estimate["connectors"][0]["charging_minutes"] == 180  # 11 kWh at 3.68 kW: 179.3 minutes
    assert estimate["connectors"][0]["price"] == {"amount": 220 + 600, "currency": "EUR"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("energy_kwh=10", "vehicle"),
        ("vehicle={id}", "energy_kwh"),
        ("vehicle={id}&energy_kwh=0", "energy_kwh"),
        ("vehicle={id}&energy_kwh=301", "energy_kwh"),
        ("vehicle={id}&energy_kwh=59", "energy_kwh"),  # the battery holds 58 kWh
        ("vehicle={id}&energy_kwh=10&start=tomorrow", "start"),
        ("vehicle={id}&energy_kwh=10&start=2026-06-01T22:00:00", "start"),  # no offset
        ("vehicle={id}&energy_kwh=10&energy_kwh=11", "energy_kwh"),
        ("vehicle={id}&energy_kwh=10&colour=red", "colour"),
    ],
)
async def test_a_bad_estimate_request_is_refused(client: Any, query: str, field: str) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing_with(client, host)
    car = await add_vehicle(client, driver, **CCS_CAR)

    response = await client.get(
        f"/api/v1/listings/{location_id}/estimate?{query.format(id=car['id'])}", headers=driver.headers
    )

    assert await error_of(response) == (400, "invalid", field)

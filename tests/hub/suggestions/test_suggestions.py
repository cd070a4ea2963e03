"""The cheapest and the greenest free slots for a charge: priced by the tariff, green by the sun, bookable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor, booked
from tests.hub.listings.helpers import home_charger
from tests.hub.suggestions.helpers import (
    BOOKING_FEE,
    NIGHT,
    OPEN_05_TO_21,
    ROOFTOP_SOLAR,
    connector,
    energy_price,
    listing_with,
    time_of_use,
)
from tests.hub.vehicles.helpers import add_vehicle, error_of

# The tests' clock stands at Monday 1 June 2026, 10:00 in Köln (08:00 UTC).
TODAY = "from=2026-06-01T08:00:00Z&to=2026-06-02T08:00:00Z"
TOMORROW = "from=2026-06-02T00:00:00Z&to=2026-06-02T23:00:00Z"
THURSDAY = "from=2026-06-04T00:00:00Z&to=2026-06-05T00:00:00Z"
A_WEEK = "from=2026-06-01T08:00:00Z&to=2026-06-08T08:00:00Z"
TONIGHT_22_TO_23 = {"start_from": "2026-06-01T20:00:00Z", "end_before": "2026-06-01T21:00:00Z"}  # local time


async def _suggest(client: Any, driver: Actor, location_id: str, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/listings/{location_id}/suggestions?{query}", headers=driver.headers)
    assert response.status == 200, await response.text()
    suggestions: dict[str, Any] = await response.json()
    return suggestions


async def _scene(client: Any, *tariffs: dict[str, Any], **changes: Any) -> tuple[Actor, Actor, str, str]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing_with(client, host, *tariffs, **changes)
    car = await add_vehicle(client, driver)
    return host, driver, location_id, car["id"]


async def test_a_time_of_use_tariff_makes_the_night_slot_the_cheapest(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, time_of_use(BOOKING_FEE))

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TODAY}")

    assert found["cheapest"] == {
        "evse_uid": "wallbox-1",
        "connector_id": "1",
        "period": {"start_from": "2026-06-01T20:00:00Z", "end_before": "2026-06-01T21:00:00Z"},  # 22:00 local
        "power_w": 11_000,
        "charging_minutes": 60,
        "price": {"charging": round(11 * NIGHT * 100), "booking_fee": 50, "total": 270, "currency": "EUR"},
        "green_share": None,
    }
    assert found["greenest"] is None  # the listing gives no energy mix


async def test_solar_makes_the_slot_around_noon_the_greenest(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, time_of_use(), energy_mix=ROOFTOP_SOLAR)

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TOMORROW}")

    # Solar noon in Köln (6.96° E) early in June is at about 11:30 UTC: the hour around it.
    assert found["greenest"]["period"] == {"start_from": "2026-06-02T11:00:00Z", "end_before": "2026-06-02T12:00:00Z"}
    assert found["greenest"]["green_share"] > 0.4  # twice the mix's 20 % average
    assert found["cheapest"]["period"]["start_from"] == "2026-06-02T00:00:00Z"  # night, and least green
    assert found["cheapest"]["green_share"] == 0


async def test_a_steady_green_mix_makes_the_cheaper_slot_the_greenest(client: Any) -> None:
    mix = {"is_green_energy": True, "energy_sources": [{"source": "WIND", "percentage": 100}]}
    _host, driver, location_id, car = await _scene(client, time_of_use(), energy_mix=mix)

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TODAY}")

    assert found["greenest"] == found["cheapest"]
    assert found["greenest"]["green_share"] == 1


async def test_booked_time_is_left_out(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, time_of_use())
    other = await actor(client, "other@example.org")
    await booked(
        client, other, location_id, {"start_from": "2026-06-01T20:00:00Z", "end_before": "2026-06-01T21:30:00Z"}
    )

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TODAY}")

    assert found["cheapest"]["period"]["start_from"] == "2026-06-01T21:30:00Z"


async def test_another_evse_that_is_free_is_suggested(client: Any) -> None:
    evses = [
        {"uid": "left", "status": "AVAILABLE", "connectors": [connector("IEC_62196_T2", "AC_3_PHASE", 230, 16)]},
        {"uid": "right", "status": "AVAILABLE", "connectors": [connector("IEC_62196_T2", "AC_3_PHASE", 230, 16)]},
        {"uid": "broken", "status": "OUTOFORDER", "connectors": [connector("IEC_62196_T2", "AC_3_PHASE", 230, 16)]},
    ]
    listing = home_charger(evses=evses)
    for evse in listing["evses"]:
        evse["connectors"][0]["tariff_ids"] = ["time-of-use"]
    host = await actor(client, "host@example.org", host=True)
    driver, other = await actor(client, "driver@example.org"), await actor(client, "other@example.org")
    assert (await client.post("/api/v1/tariffs", json=time_of_use(), headers=host.headers)).status == 201
    location_id = (await (await client.post("/api/v1/listings", json=listing, headers=host.headers)).json())["id"]
    car = (await add_vehicle(client, driver))["id"]
    await booked(client, other, location_id, TONIGHT_22_TO_23, evse_uid="left")

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TODAY}")

    assert (found["cheapest"]["evse_uid"], found["cheapest"]["period"]["start_from"]) == (
        "right",
        "2026-06-01T20:00:00Z",
    )


async def test_opening_hours_are_respected(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, time_of_use(), opening_times=OPEN_05_TO_21)

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TODAY}")

    # Cheap and open: from 05:00 to 06:00 local only.
    assert found["cheapest"]["period"] == {"start_from": "2026-06-02T03:00:00Z", "end_before": "2026-06-02T04:00:00Z"}


async def test_a_short_charge_books_the_terms_minimum_on_their_grid(client: Any) -> None:
    host, driver, location_id, car = await _scene(client, energy_price(0.30))
    terms = {"step_size_minutes": 30, "min_duration_minutes": 60}
    assert (
        await client.put(f"/api/v1/listings/{location_id}/booking-terms", json=terms, headers=host.headers)
    ).status == 200

    found = await _suggest(client, driver, location_id,
                           f"vehicle={car}&energy_kwh=4&from=2026-06-01T08:10:00Z&to=2026-06-01T12:00:00Z")  # fmt: skip

    assert found["cheapest"]["charging_minutes"] == 22
    assert found["cheapest"]["period"] == {"start_from": "2026-06-01T08:30:00Z", "end_before": "2026-06-01T09:30:00Z"}


async def test_nothing_is_suggested_beyond_the_days_a_listing_may_be_booked_ahead(client: Any) -> None:
    host, driver, location_id, car = await _scene(client, energy_price(0.30), energy_mix=ROOFTOP_SOLAR)
    terms = {"max_days_ahead": 2}
    assert (
        await client.put(f"/api/v1/listings/{location_id}/booking-terms", json=terms, headers=host.headers)
    ).status == 200

    later = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{THURSDAY}")

    assert later == {"cheapest": None, "greenest": None}


async def test_without_a_tariff_no_slot_is_the_cheapest(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, energy_mix=ROOFTOP_SOLAR)

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=11&{TOMORROW}")

    assert found["cheapest"] is None
    assert found["greenest"]["price"] is None


async def test_a_charge_longer_than_any_booking_is_refused(client: Any) -> None:
    host, driver, location_id, car = await _scene(client, energy_price(0.30))
    terms = {"max_duration_minutes": 60}
    assert (
        await client.put(f"/api/v1/listings/{location_id}/booking-terms", json=terms, headers=host.headers)
    ).status == 200

    response = await client.get(f"/api/v1/listings/{location_id}/suggestions?vehicle={car}&energy_kwh=22&{TODAY}",
                                headers=driver.headers)  # fmt: skip

    assert await error_of(response) == (409, "too_long", "energy_kwh")


async def test_a_vehicle_no_connector_fits_is_refused(client: Any) -> None:
    _host, driver, location_id, _car = await _scene(client, energy_price(0.30))
    chademo = await add_vehicle(client, driver, connector_standards=["CHADEMO"], max_dc_power_w=50_000)

    response = await client.get(
        f"/api/v1/listings/{location_id}/suggestions?vehicle={chademo['id']}&energy_kwh=22&{TODAY}",
        headers=driver.headers,
    )

    assert await error_of(response) == (409, "incompatible", "vehicle")


async def test_a_week_of_slots_is_suggested_in_good_time(client: Any) -> None:
    _host, driver, location_id, car = await _scene(client, time_of_use(BOOKING_FEE), energy_mix=ROOFTOP_SOLAR)

    found = await _suggest(client, driver, location_id, f"vehicle={car}&energy_kwh=30&{A_WEEK}")

    assert found["cheapest"]["period"]["start_from"] == "2026-06-01T20:00:00Z"
    assert found["greenest"]["period"]["start_from"].endswith(("T10:00:00Z", "T10:15:00Z", "T10:30:00Z"))


@pytest.mark.parametrize(
    ("window", "field"),
    [
        ("to=2026-06-02T00:00:00Z", "from"),
        ("from=2026-06-02T00:00:00Z", "to"),
        ("from=2026-06-02T00:00:00Z&to=2026-06-01T00:00:00Z", "to"),
        ("from=2026-06-01T00:00:00Z&to=2026-06-09T00:00:00Z", "to"),  # more than 7 days
        ("from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z", "to"),  # over already
        ("from=tomorrow&to=2026-06-02T00:00:00Z", "from"),
        ("from=2026-06-02T00:00:00&to=2026-06-02T10:00:00Z", "from"),  # no offset
    ],
)
async def test_a_bad_window_is_refused(client: Any, window: str, field: str) -> None:
    _host, driver, location_id, car = await _scene(client, energy_price(0.30))

    response = await client.get(f"/api/v1/listings/{location_id}/suggestions?vehicle={car}&energy_kwh=11&{window}",
                                headers=driver.headers)  # fmt: skip

    assert await error_of(response) == (400, "invalid", field)

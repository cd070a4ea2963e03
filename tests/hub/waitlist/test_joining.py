"""Joining a listing's waitlist: only when nothing that fits is free, for a window and a slot's length."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import START_OF_TESTS, actor, booked
from tests.hub.listings.helpers import home_charger
from tests.hub.vehicles.helpers import CCS_CAR, add_vehicle, error_of
from tests.hub.waitlist.helpers import TEN_TO_ELEVEN, join, joined, one_wallbox


async def _full(client: Any) -> tuple[Any, Any, str]:
    """A wallbox booked from 10:00 to 11:00 UTC, and a driver who wants it then."""
    host = await actor(client, "host@example.org", host=True)
    booker, driver = await actor(client, "booker@example.org"), await actor(client, "driver@example.org")
    location_id = await one_wallbox(client, host)
    await booked(client, booker, location_id, TEN_TO_ELEVEN)
    return host, driver, location_id


async def test_a_driver_waits_for_a_slot_at_a_full_listing(client: Any) -> None:
    _host, driver, location_id = await _full(client)

    entry = await joined(client, driver, location_id)

    assert entry == {
        "id": entry["id"],
        "location_id": location_id,
        "window": {"from": "2026-06-01T10:00:00Z", "to": "2026-06-01T11:00:00Z"},
        "duration_minutes": 60,
        "vehicle_id": None,
        "energy_kwh": None,
        "status": "WAITING",
        "offer": None,
        "booking_id": None,
        "created_at": "2026-06-01T08:00:00Z",
    }
    listed = await (await client.get("/api/v1/waitlist", headers=driver.headers)).json()
    assert listed == {"entries": [entry]}


async def test_a_free_slot_that_fits_is_booked_not_waited_for(client: Any) -> None:
    _host, driver, location_id = await _full(client)

    response = await join(client, driver, location_id, to="2026-06-01T12:00:00Z")

    assert await error_of(response) == (409, "slot_available", None)
    assert (await (await client.get("/api/v1/waitlist", headers=driver.headers)).json()) == {"entries": []}


async def test_a_length_is_rounded_up_to_the_terms_steps(client: Any) -> None:
    _host, driver, location_id = await _full(client)

    entry = await joined(client, driver, location_id, duration_minutes=40)

    assert entry["duration_minutes"] == 45


async def test_a_vehicle_and_an_energy_give_the_length(client: Any) -> None:
    _host, driver, location_id = await _full(client)
    car = await add_vehicle(client, driver)

    entry = await joined(client, driver, location_id, duration_minutes=None, vehicle_id=car["id"], energy_kwh=10)

    assert (entry["duration_minutes"], entry["vehicle_id"], entry["energy_kwh"]) == (60, car["id"], 10.0)


async def test_a_free_connector_the_car_cannot_use_is_not_a_free_slot_for_it(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    booker, driver = await actor(client, "booker@example.org"), await actor(client, "driver@example.org")
    anyone = await actor(client, "anyone@example.org")
    fast = {"uid": "chademo", "status": "AVAILABLE", "connectors": [{"id": "1", "standard": "CHADEMO",
            "format": "CABLE", "power_type": "DC", "max_voltage": 500, "max_amperage": 100}]}  # fmt: skip
    location_id = await one_wallbox(client, host, evses=[*home_charger()["evses"], fast])
    await booked(client, booker, location_id, TEN_TO_ELEVEN, evse_uid="wallbox-1")
    car = await add_vehicle(client, driver)

    by_vehicle = await join(client, driver, location_id, duration_minutes=None, vehicle_id=car["id"], energy_kwh=10)
    by_length = await join(client, anyone, location_id)

    assert by_vehicle.status == 201
    assert (await by_vehicle.json())["duration_minutes"] == 60
    assert await error_of(by_length) == (409, "slot_available", None)  # the CHAdeMO is free for any car


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"duration_minutes": None}, "vehicle_id"),  # neither a length nor a vehicle
        ({"vehicle_id": "{car}", "energy_kwh": 10}, "vehicle_id"),  # both
        ({"duration_minutes": None, "vehicle_id": "{car}"}, "energy_kwh"),
        ({"duration_minutes": None, "vehicle_id": "{car}", "energy_kwh": 0}, "energy_kwh"),
        ({"duration_minutes": None, "vehicle_id": "{car}", "energy_kwh": 59}, "energy_kwh"),  # over the battery
        ({"duration_minutes": None, "vehicle_id": "{car}", "energy_kwh": 30}, "to"),  # 4 hours in a 1-hour window
        ({"duration_minutes": 90}, "to"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"duration_minutes": 13 * 60}, "duration_minutes"),  # longer than a booking may last
        ({"to": "2026-06-01T09:00:00Z"}, "to"),
        ({"from": "2026-06-01T00:00:00Z", "to": "2026-06-16T00:00:00Z"}, "to"),  # more than 14 days
        ({"from": "2026-05-01T00:00:00Z", "to": "2026-05-01T01:00:00Z"}, "to"),  # over already
        ({"from": "soon"}, "from"),
        ({"from": "2026-06-01T10:00:00"}, "from"),  # no offset
        ({"colour": "red"}, "colour"),
    ],
)
async def test_a_bad_request_to_wait_is_refused(client: Any, body: dict[str, Any], field: str) -> None:
    _host, driver, location_id = await _full(client)
    car = await add_vehicle(client, driver, **CCS_CAR)
    sent = {key: value.format(car=car["id"]) if isinstance(value, str) else value for key, value in body.items()}

    response = await join(client, driver, location_id, **sent)

    status, code, named = await error_of(response)
    assert (status, named) == (400, field), code
    assert (await (await client.get("/api/v1/waitlist", headers=driver.headers)).json()) == {"entries": []}


async def test_a_driver_waits_once_per_listing_and_time(client: Any) -> None:
    _host, driver, location_id = await _full(client)
    await joined(client, driver, location_id)

    again = await join(client, driver, location_id, duration_minutes=30)

    assert await error_of(again) == (409, "already_waiting", None)


async def test_a_driver_waits_for_at_most_ten_slots(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    booker, driver = await actor(client, "booker@example.org"), await actor(client, "driver@example.org")
    location_id = await one_wallbox(client, host)
    await booked(
        client, booker, location_id, {"start_from": "2026-06-01T10:00:00Z", "end_before": "2026-06-01T22:00:00Z"}
    )
    hours = [START_OF_TESTS.replace(hour=10 + number) for number in range(11)]
    windows = [{"from": f"{hour:%Y-%m-%dT%H:%M:%SZ}", "to": f"{hour.replace(hour=hour.hour + 1):%Y-%m-%dT%H:%M:%SZ}"}
               for hour in hours]  # fmt: skip
    for window in windows[:10]:
        await joined(client, driver, location_id, **window)

    eleventh = await join(client, driver, location_id, **windows[10])

    assert await error_of(eleventh) == (409, "too_many_entries", None)

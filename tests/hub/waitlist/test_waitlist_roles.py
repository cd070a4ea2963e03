"""Who may wait where, and whose entries are whose: a driver's entries are theirs alone."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.bookings.helpers import Actor, actor, booked, cancel
from tests.hub.vehicles.helpers import add_vehicle, error_of
from tests.hub.waitlist.helpers import TEN_TO_ELEVEN, entry_of, join, joined, one_wallbox


async def _offered(client: Any) -> tuple[Actor, Actor, dict[str, Any]]:
    """A driver whose entry holds an open offer; returns the host, the driver and the entry."""
    host = await actor(client, "host@example.org", host=True)
    booker, driver = await actor(client, "booker@example.org"), await actor(client, "driver@example.org")
    location_id = await one_wallbox(client, host)
    booking = await booked(client, booker, location_id, TEN_TO_ELEVEN)
    entry = await joined(client, driver, location_id)
    await cancel(client, booker, booking["id"])
    return host, driver, entry


@pytest.mark.parametrize("caller", ["other driver", "host", "admin"])
async def test_anyone_but_the_driver_finds_no_such_entry_and_changes_nothing(client: Any, caller: str) -> None:
    host, driver, entry = await _offered(client)
    callers = {
        "other driver": await actor(client, "other@example.org"),
        "host": host,
        "admin": await actor(client, "admin@example.org", admin=True),
    }
    path = f"/api/v1/waitlist/{entry['id']}"
    headers = callers[caller].headers

    statuses = [
        (await client.get(path, headers=headers)).status,
        (await client.post(f"{path}/accept", headers=headers)).status,
        (await client.delete(path, headers=headers)).status,
    ]

    assert statuses == [404, 404, 404]
    assert (await (await client.get("/api/v1/waitlist", headers=headers)).json()) == {"entries": []}
    assert (await entry_of(client, driver, entry["id"]))["status"] == "OFFERED"


async def test_an_entry_id_that_is_not_a_number_is_no_entry(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    assert (await client.get("/api/v1/waitlist/abc", headers=driver.headers)).status == 404
    assert (await client.post("/api/v1/waitlist/99/accept", headers=driver.headers)).status == 404


async def test_a_host_cannot_wait_for_their_own_charger(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await one_wallbox(client, host)

    response = await join(client, host, location_id)

    assert (await error_of(response))[0] == 403


async def test_an_invite_only_listing_is_waited_for_only_by_its_invitees(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    friend, stranger = await actor(client, "friend@example.org"), await actor(client, "stranger@example.org")
    location_id = await one_wallbox(client, host, publish=False, publish_allowed_to=["friend@example.org"])
    await booked(client, friend, location_id, TEN_TO_ELEVEN)

    refused = await join(client, stranger, location_id)
    unknown = await join(client, stranger, "no-such-listing")

    assert (await error_of(refused))[0] == (await error_of(unknown))[0] == 404


async def test_waiting_with_another_drivers_vehicle_finds_no_such_vehicle(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    booker, driver = await actor(client, "booker@example.org"), await actor(client, "driver@example.org")
    location_id = await one_wallbox(client, host)
    await booked(client, booker, location_id, TEN_TO_ELEVEN)
    bookers_car = await add_vehicle(client, booker)

    response = await join(client, driver, location_id, duration_minutes=None, vehicle_id=bookers_car["id"],
                          energy_kwh=10)  # fmt: skip

    assert (await error_of(response))[0] == 404


async def test_anonymous_callers_and_tokens_without_the_bookings_scope_are_refused(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    link = await actor(client, "link@example.org", scopes=frozenset({"link"}))
    location_id = await one_wallbox(client, host)
    body = {"from": "2026-06-01T10:00:00Z", "to": "2026-06-01T11:00:00Z", "duration_minutes": 60}

    anonymous = [
        (await client.post(f"/api/v1/listings/{location_id}/waitlist", json=body)).status,
        (await client.get("/api/v1/waitlist")).status,
        (await client.post("/api/v1/waitlist/1/accept")).status,
    ]
    scoped = await client.post(f"/api/v1/listings/{location_id}/waitlist", json=body, headers=link.headers)

    assert anonymous == [401, 401, 401]
    assert (await error_of(scoped))[:2] == (403, "insufficient_scope")

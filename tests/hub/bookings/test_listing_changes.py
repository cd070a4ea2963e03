"""A host changing a listing never takes its bookings with it: a booked EVSE is retired with status REMOVED."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import actor, booked, listing, period, two_evse_charger


async def test_leaving_out_a_booked_evse_is_refused_and_changes_nothing(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    without_it = two_evse_charger()
    without_it["evses"] = [evse for evse in without_it["evses"] if evse["uid"] != "wallbox-1"]

    refused = await client.put(f"/api/v1/listings/{location_id}", json=without_it, headers=host.headers)

    assert refused.status == 409
    assert (await refused.json())["error"] == {
        "code": "evse_booked",
        "message": "EVSE wallbox-1 has bookings: keep it with status REMOVED instead of leaving it out.",
        "field": "evses",
    }
    shown = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    assert [evse["uid"] for evse in shown["evses"]] == ["wallbox-1", "wallbox-2"]
    kept = await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)
    assert (await kept.json())["evse_uid"] == "wallbox-1"


async def test_a_booked_evse_is_retired_with_status_removed_and_its_bookings_stay(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    retired = two_evse_charger()
    retired["evses"][0]["status"] = "REMOVED"

    changed = await client.put(f"/api/v1/listings/{location_id}", json=retired, headers=host.headers)

    assert changed.status == 200, await changed.text()
    kept = await (await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)).json()
    assert (kept["evse_uid"], kept["reservation_status"]) == ("wallbox-1", "RESERVED")
    again = await client.post(
        "/api/v1/bookings",
        json={"location_id": location_id, "period": period(5), "evse_uid": "wallbox-1"},
        headers=driver.headers,
    )
    assert (again.status, (await again.json())["error"]["code"]) == (409, "not_bookable")


async def test_an_unbooked_evse_can_be_left_out(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    without_second = two_evse_charger()
    without_second["evses"] = without_second["evses"][:1]

    changed = await client.put(f"/api/v1/listings/{location_id}", json=without_second, headers=host.headers)

    assert changed.status == 200, await changed.text()
    assert [evse["uid"] for evse in (await changed.json())["evses"]] == ["wallbox-1"]

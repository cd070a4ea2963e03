"""What a report does at once, in the same transaction: the EVSE is out of order everywhere it is read, the
host is told, new bookings of it are refused, drivers with bookings of it to come are told."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.faults.tables import FaultReport
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor, book, booked, listing, period
from tests.hub.faults.helpers import (
    emails_to,
    error_of,
    evse_status,
    notifications,
    report,
    reported,
    scene,
    shown_statuses,
)
from tests.hub.listings.helpers import home_charger, without


async def test_the_evse_is_out_of_order_in_the_listing_and_in_search(client: Any) -> None:
    parties = await scene(client)
    anyone = await actor(client, "anyone@example.org")

    await reported(client, parties.driver, parties.location_id, "wallbox-1")
    found = await (await client.get("/api/v1/search?lat=50.931826&lon=6.964043&radius_km=1")).json()

    assert await shown_statuses(client, parties.location_id, anyone) == {
        "wallbox-1": "OUTOFORDER",
        "wallbox-2": "AVAILABLE",
    }
    assert found["results"][0]["evse_statuses"] == {"AVAILABLE": 1, "OUTOFORDER": 1}


async def test_the_host_is_notified_at_once_in_the_inbox_and_by_email(client: Any) -> None:
    parties = await scene(client)

    fault = await reported(client, parties.driver, parties.location_id)

    assert await notifications(client, parties.host) == [
        ("fault.reported", f"/listings/{parties.location_id}/faults/{fault['id']}")
    ]
    assert await emails_to(client, parties.host) == ["Fault reported at Driveway wallbox: charger wallbox-1"]


async def test_a_host_reporting_their_own_charger_is_not_told_about_it(client: Any) -> None:
    parties = await scene(client)

    await reported(client, parties.host, parties.location_id, "wallbox-2")

    assert await notifications(client, parties.host) == []


async def test_new_bookings_of_the_evse_are_refused_and_others_go_to_a_working_one(client: Any) -> None:
    parties = await scene(client)
    other = await actor(client, "other@example.org")
    await reported(client, parties.driver, parties.location_id, "wallbox-2")

    named = await book(client, other, parties.location_id, period(5), evse_uid="wallbox-2")
    any_evse = await booked(client, other, parties.location_id, period(5))

    assert await error_of(named) == (409, "not_bookable", "evse_uid")
    assert any_evse["evse_uid"] == "wallbox-1"


async def test_drivers_with_bookings_of_the_evse_still_to_come_are_told_and_keep_them(
    client: Any, clock: Clock
) -> None:
    parties = await scene(client)  # the driver's booking of wallbox-1 starts in two hours
    later = await actor(client, "later@example.org")
    elsewhere = await actor(client, "elsewhere@example.org")
    past = await actor(client, "past@example.org")
    await booked(client, past, parties.location_id, period(0.25, 0.5), evse_uid="wallbox-1")
    later_booking = await booked(client, later, parties.location_id, period(24), evse_uid="wallbox-1")
    await booked(client, elsewhere, parties.location_id, period(2), evse_uid="wallbox-2")
    clock.advance(hours=1)  # the past driver's slot is over

    await reported(client, parties.host, parties.location_id, "wallbox-1")
    booking = await (await client.get(f"/api/v1/bookings/{parties.booking_id}", headers=parties.driver.headers)).json()

    affected = "fault.booking_affected"
    assert await notifications(client, parties.driver) == [(affected, f"/bookings/{parties.booking_id}")]
    assert await notifications(client, later) == [(affected, f"/bookings/{later_booking['id']}")]
    assert await notifications(client, elsewhere) == []
    assert await notifications(client, past) == []
    assert booking["reservation_status"] == "RESERVED"


async def test_the_reporter_is_not_told_about_their_own_booking(client: Any) -> None:
    parties = await scene(client)

    await reported(client, parties.driver, parties.location_id, "wallbox-1")

    assert await notifications(client, parties.driver) == []


async def test_the_host_cannot_write_an_evse_with_an_open_report_back_to_available(client: Any) -> None:
    parties = await scene(client)
    await reported(client, parties.driver, parties.location_id, "wallbox-1")
    shown = await (await client.get(f"/api/v1/listings/{parties.location_id}", headers=parties.host.headers)).json()
    listing = without(shown, ("max_power",))  # derived, not sent

    replaced = await client.put(f"/api/v1/listings/{parties.location_id}", json=listing, headers=parties.host.headers)
    statuses = {evse["uid"]: evse["status"] for evse in (await replaced.json())["evses"]}

    assert replaced.status == 200
    assert statuses == {"wallbox-1": "OUTOFORDER", "wallbox-2": "AVAILABLE"}
    listing["evses"][0]["status"] = "AVAILABLE"
    again = await client.put(f"/api/v1/listings/{parties.location_id}", json=listing, headers=parties.host.headers)
    assert (await again.json())["evses"][0]["status"] == "OUTOFORDER"


async def test_the_free_window_filter_does_not_count_an_evse_out_of_order(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    response = await client.post("/api/v1/listings", json=home_charger(), headers=host.headers)
    location_id = (await response.json())["id"]
    await booked(client, driver, location_id, period(2))
    query = "lat=50.931826&lon=6.964043&radius_km=1&free_from=2026-06-02T08:00:00Z&free_until=2026-06-02T09:00:00Z"
    before = await (await client.get(f"/api/v1/search?{query}")).json()

    await reported(client, driver, location_id)
    after = await (await client.get(f"/api/v1/search?{query}")).json()

    assert [result["location_id"] for result in before["results"]] == [location_id]
    assert after["results"] == []


async def test_a_refused_report_tells_nobody_and_changes_nothing(client: Any, clock: Clock) -> None:
    parties = await scene(client)
    await reported(client, parties.driver, parties.location_id)
    clock.advance(minutes=5)

    again = await report(client, parties.driver, parties.location_id)

    assert again.status == 409
    assert len(await notifications(client, parties.host)) == 1
    async with client.server.app[HUB].db.read() as session:
        reports = (await session.execute(FaultReport.__table__.select())).all()
    assert len(reports) == 1
    assert await evse_status(client, parties.location_id, "wallbox-1") == "OUTOFORDER"


async def test_a_removed_evse_cannot_be_reported(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    location_id = await listing(client, host)
    shown = await (await client.get(f"/api/v1/listings/{location_id}", headers=host.headers)).json()
    document = without(shown, ("max_power",))
    document["evses"][1]["status"] = "REMOVED"
    assert (await client.put(f"/api/v1/listings/{location_id}", json=document, headers=host.headers)).status == 200

    response = await report(client, host, location_id, "wallbox-2")

    assert await error_of(response) == (409, "evse_removed", None)


async def test_a_removed_listing_cannot_be_reported(client: Any) -> None:
    parties = await scene(client)
    assert (await client.delete(f"/api/v1/listings/{parties.location_id}", headers=parties.host.headers)).status == 204

    assert (await report(client, parties.driver, parties.location_id)).status == 404


async def test_a_booking_long_ago_still_counts_even_when_the_listing_went_stale(client: Any, clock: Clock) -> None:
    parties = await scene(client)
    clock.advance(days=100)  # a booking has no time limit, unlike a session; the driver knows the place

    assert (await report(client, parties.driver, parties.location_id)).status == 201

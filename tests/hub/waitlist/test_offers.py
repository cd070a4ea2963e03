"""Freed time goes to waiting drivers, first come first served; an offer is accepted, taken or passed on."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor, book, booked, cancel
from tests.hub.vehicles.helpers import error_of
from tests.hub.waitlist.helpers import (
    TEN_TO_ELEVEN,
    entry_of,
    join,
    joined,
    offers_told,
    one_wallbox,
    waitlist,
)

OFFERED_SLOT = {"start_from": "2026-06-01T10:00:00Z", "end_before": "2026-06-01T11:00:00Z"}


async def _scene(client: Any, terms: dict[str, Any] | None = None) -> tuple[Actor, Actor, str, str]:
    """A wallbox booked from 10:00 to 11:00 UTC by `booker`; returns the host, booker, listing and booking."""
    host = await actor(client, "host@example.org", host=True)
    booker = await actor(client, "booker@example.org")
    location_id = await one_wallbox(client, host, terms)
    booking = await booked(client, booker, location_id, TEN_TO_ELEVEN)
    return host, booker, location_id, booking["id"]


async def test_a_cancellation_offers_the_slot_to_the_first_waiting_driver(client: Any) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    first, second = await actor(client, "first@example.org"), await actor(client, "second@example.org")
    first_entry = await joined(client, first, location_id)
    second_entry = await joined(client, second, location_id)

    await cancel(client, booker, booking_id)

    offered = await entry_of(client, first, first_entry["id"])
    assert offered["status"] == "OFFERED"
    assert offered["offer"] == {
        "evse_uid": "wallbox-1",
        "connector_id": "1",
        "period": OFFERED_SLOT,
        "expires_at": "2026-06-01T08:15:00Z",
    }
    assert (await entry_of(client, second, second_entry["id"]))["status"] == "WAITING"
    [told] = await offers_told(client, first)
    assert told.link == f"/waitlist/{first_entry['id']}"
    assert "2026-06-01 from 12:00 to 13:00 (Europe/Berlin)" in told.body
    assert await offers_told(client, second) == []


async def test_accepting_an_offer_books_the_slot(client: Any) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)
    await cancel(client, booker, booking_id)

    response = await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=driver.headers)

    booking = await response.json()
    assert response.status == 201
    assert (booking["reservation_status"], booking["evse_uid"]) == ("RESERVED", "wallbox-1")
    assert (booking["period"]["start_from"], booking["period"]["end_before"]) == tuple(OFFERED_SLOT.values())
    done = await entry_of(client, driver, entry["id"])
    assert (done["status"], done["offer"], done["booking_id"]) == ("BOOKED", None, booking["id"])
    again = await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=driver.headers)
    assert await error_of(again) == (409, "no_offer", None)


async def test_a_slot_booked_meanwhile_is_a_conflict_and_the_entry_waits_on(client: Any) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    driver, quicker = await actor(client, "driver@example.org"), await actor(client, "quicker@example.org")
    entry = await joined(client, driver, location_id)
    await cancel(client, booker, booking_id)
    await booked(client, quicker, location_id, TEN_TO_ELEVEN)  # an offer does not hold the slot

    response = await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=driver.headers)

    assert await error_of(response) == (409, "slot_taken", "period")
    waiting = await entry_of(client, driver, entry["id"])
    assert (waiting["status"], waiting["offer"]) == ("WAITING", None)


async def test_an_offer_nobody_accepts_passes_to_the_next_driver_and_never_back(client: Any, clock: Clock) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    first, second = await actor(client, "first@example.org"), await actor(client, "second@example.org")
    first_entry, second_entry = await joined(client, first, location_id), await joined(client, second, location_id)
    await cancel(client, booker, booking_id)

    clock.advance(minutes=15)
    swept = await waitlist(client).sweep()

    assert (swept.lapsed_offers, swept.passed_on) == (1, 1)
    assert (await entry_of(client, first, first_entry["id"]))["status"] == "WAITING"
    passed = await entry_of(client, second, second_entry["id"])
    assert (passed["status"], passed["offer"]["expires_at"]) == ("OFFERED", "2026-06-01T08:30:00Z")
    late = await client.post(f"/api/v1/waitlist/{first_entry['id']}/accept", headers=first.headers)
    assert await error_of(late) == (409, "no_offer", None)

    clock.advance(minutes=15)
    swept = await waitlist(client).sweep()

    assert (swept.lapsed_offers, swept.passed_on) == (1, 0)
    assert [(await entry_of(client, d, e["id"]))["status"] for d, e in ((first, first_entry), (second, second_entry))] \
        == ["WAITING", "WAITING"]  # fmt: skip


async def test_an_offer_that_ran_out_cannot_be_accepted_even_before_the_sweep(client: Any, clock: Clock) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)
    await cancel(client, booker, booking_id)

    clock.advance(minutes=15)
    response = await client.post(f"/api/v1/waitlist/{entry['id']}/accept", headers=driver.headers)

    assert await error_of(response) == (409, "offer_expired", None)


async def test_an_offer_runs_out_when_its_slot_starts(client: Any, clock: Clock) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)
    clock.advance(hours=1, minutes=55)  # 09:55: five minutes before the slot

    await cancel(client, booker, booking_id)

    assert (await entry_of(client, driver, entry["id"]))["offer"]["expires_at"] == "2026-06-01T10:00:00Z"


async def test_freed_time_is_shared_out_in_order_of_waiting(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    booker = await actor(client, "booker@example.org")
    first, second, third = [await actor(client, f"{name}@example.org") for name in ("first", "second", "third")]
    location_id = await one_wallbox(client, host)
    two_hours = {"start_from": "2026-06-01T10:00:00Z", "end_before": "2026-06-01T12:00:00Z"}
    booking = await booked(client, booker, location_id, two_hours)
    window = {"from": "2026-06-01T10:00:00Z", "to": "2026-06-01T12:00:00Z"}
    entries = [await joined(client, driver, location_id, **window) for driver in (first, second, third)]

    await cancel(client, booker, booking["id"])

    offers = [
        (await entry_of(client, d, e["id"]))["offer"] for d, e in zip((first, second, third), entries, strict=True)
    ]
    assert [offer and offer["period"]["start_from"] for offer in offers] == [
        "2026-06-01T10:00:00Z", "2026-06-01T11:00:00Z", None,
    ]  # fmt: skip


async def test_leaving_with_an_open_offer_passes_it_on(client: Any) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    first, second = await actor(client, "first@example.org"), await actor(client, "second@example.org")
    first_entry, second_entry = await joined(client, first, location_id), await joined(client, second, location_id)
    await cancel(client, booker, booking_id)

    left = await client.delete(f"/api/v1/waitlist/{first_entry['id']}", headers=first.headers)

    assert left.status == 204
    assert (await client.get(f"/api/v1/waitlist/{first_entry['id']}", headers=first.headers)).status == 404
    assert (await entry_of(client, second, second_entry["id"]))["status"] == "OFFERED"


async def test_a_declined_request_frees_its_slot(client: Any) -> None:
    host, _booker, location_id, booking_id = await _scene(client, {"approval": "HOST_APPROVAL"})
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)  # a request waiting for the host holds the slot

    declined = await client.post(f"/api/v1/bookings/{booking_id}/decline", headers=host.headers)

    assert declined.status == 200
    assert (await entry_of(client, driver, entry["id"]))["status"] == "OFFERED"


async def test_a_request_the_host_never_answered_frees_its_slot(client: Any, clock: Clock) -> None:
    _host, _booker, location_id, _booking_id = await _scene(
        client, {"approval": "HOST_APPROVAL", "response_deadline_minutes": 30}
    )
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)

    clock.advance(minutes=30)
    swept = await client.server.app[HUB].bookings.sweep()

    assert swept.failed_bookings == 1
    assert (await entry_of(client, driver, entry["id"]))["status"] == "OFFERED"


async def test_a_no_show_frees_the_rest_of_its_slot(client: Any, clock: Clock) -> None:
    _host, _booker, location_id, _booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id, duration_minutes=30)

    clock.advance(hours=2, minutes=15)  # 10:15, the no-show timeout
    await client.server.app[HUB].bookings.sweep()

    offer = (await entry_of(client, driver, entry["id"]))["offer"]
    assert offer["period"] == {"start_from": "2026-06-01T10:15:00Z", "end_before": "2026-06-01T10:45:00Z"}


async def test_entries_expire_when_their_window_passes(client: Any, clock: Clock) -> None:
    _host, _booker, location_id, _booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    entry = await joined(client, driver, location_id)

    clock.advance(hours=3)
    swept = await waitlist(client).sweep()

    assert swept.expired_entries == 1
    assert (await entry_of(client, driver, entry["id"]))["status"] == "EXPIRED"
    assert (await join(client, driver, location_id)).status == 400  # that window is over


async def test_a_freed_slot_outside_every_window_is_offered_to_nobody(client: Any) -> None:
    _host, booker, location_id, booking_id = await _scene(client)
    driver = await actor(client, "driver@example.org")
    other = await book(client, booker, location_id, {"start_from": "2026-06-01T14:00:00Z",
                                                      "end_before": "2026-06-01T15:00:00Z"})  # fmt: skip
    entry = await joined(client, driver, location_id)

    await cancel(client, booker, (await other.json())["id"])

    assert (await entry_of(client, driver, entry["id"]))["status"] == "WAITING"
    assert await offers_told(client, driver) == []
    await cancel(client, booker, booking_id)
    assert (await entry_of(client, driver, entry["id"]))["status"] == "OFFERED"

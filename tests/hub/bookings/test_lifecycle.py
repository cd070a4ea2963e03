"""The lifecycle: host approval, changes, cancellations, deadlines and no-shows, with the clock moved by hand."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor, book, booked, listing, period

APPROVAL = {"approval": "HOST_APPROVAL", "response_deadline_minutes": 60}


async def _scene(client: Any, terms: dict[str, Any] | None = None) -> tuple[Actor, Actor, str]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    return host, driver, await listing(client, host, terms)


async def _read(client: Any, who: Actor, booking_id: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/bookings/{booking_id}", headers=who.headers)
    assert response.status == 200
    document: dict[str, Any] = await response.json()
    return document


async def _sweep(client: Any) -> Any:
    return await client.server.app[HUB].bookings.sweep()


async def test_a_request_waits_pending_and_holds_its_slot(client: Any) -> None:
    _host, driver, location_id = await _scene(client, APPROVAL)
    rival = await actor(client, "rival@example.org")

    pending = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    refused = await book(client, rival, location_id, period(2), evse_uid="wallbox-1")

    assert pending["reservation_status"] == "PENDING"
    assert pending["respond_by"] == "2026-06-01T09:00:00Z"
    assert [r["request_status"] for r in pending["booking_requests"]] == ["PENDING"]
    assert (refused.status, (await refused.json())["error"]["code"]) == (409, "slot_taken")


async def test_the_host_approving_a_request_reserves_the_slot(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    pending = await booked(client, driver, location_id, period(2))

    response = await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)

    approved = await response.json()
    assert approved["reservation_status"] == "RESERVED"
    assert [r["request_status"] for r in approved["booking_requests"]] == ["ACCEPTED"]
    assert "respond_by" not in approved


async def test_the_host_declining_a_request_rejects_it_and_frees_the_slot(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    rival = await actor(client, "rival@example.org")
    pending = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")

    declined = await (await client.post(f"/api/v1/bookings/{pending['id']}/decline", headers=host.headers)).json()

    assert declined["reservation_status"] == "REJECTED"
    assert [r["request_status"] for r in declined["booking_requests"]] == ["DECLINED"]
    assert (await book(client, rival, location_id, period(2), evse_uid="wallbox-1")).status == 201
    again = await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)
    assert (await again.json())["error"]["code"] == "nothing_pending"


async def test_an_unanswered_request_fails_at_its_deadline(client: Any, clock: Clock) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    pending = await booked(client, driver, location_id, period(2))

    clock.advance(minutes=59)
    early = await _sweep(client)
    clock.advance(minutes=1)
    swept = await _sweep(client)
    late_answer = await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)

    assert (early.failed_bookings, swept.failed_bookings) == (0, 1)
    failed = await _read(client, driver, pending["id"])
    assert failed["reservation_status"] == "FAILED"
    assert [r["request_status"] for r in failed["booking_requests"]] == ["FAILED"]
    assert late_answer.status == 409


async def test_a_request_deadline_never_passes_the_slot_start(client: Any) -> None:
    _host, driver, location_id = await _scene(client, {"approval": "HOST_APPROVAL", "response_deadline_minutes": 600})

    pending = await booked(client, driver, location_id, period(2))

    assert pending["respond_by"] == period(2)["start_from"]


async def test_an_instant_change_moves_the_slot_and_records_the_request(client: Any) -> None:
    _host, driver, location_id = await _scene(client)
    rival = await actor(client, "rival@example.org")
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")

    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers
    )

    moved = await response.json()
    assert moved["period"] == period(5)
    assert [r["request_status"] for r in moved["booking_requests"]] == ["ACCEPTED", "ACCEPTED"]
    assert moved["request_id"] == booking["request_id"]
    assert (await book(client, rival, location_id, period(2), evse_uid="wallbox-1")).status == 201


async def test_a_change_onto_a_taken_slot_is_refused_and_changes_nothing(client: Any) -> None:
    _host, driver, location_id = await _scene(client)
    rival = await actor(client, "rival@example.org")
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    await booked(client, rival, location_id, period(5), evse_uid="wallbox-1")

    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"period": period(4.5, 1)}, headers=driver.headers
    )

    assert (response.status, (await response.json())["error"]["code"]) == (409, "slot_taken")
    assert await _read(client, driver, booking["id"]) == booking


async def test_a_change_waiting_for_the_host_keeps_the_old_slot_until_approved(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    pending = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)

    asked = await (
        await client.patch(f"/api/v1/bookings/{pending['id']}", json={"period": period(5)}, headers=driver.headers)
    ).json()
    twice = await client.patch(f"/api/v1/bookings/{pending['id']}", json={"period": period(6)}, headers=driver.headers)
    approved = await (await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)).json()

    assert asked["period"] == period(2)
    assert asked["reservation_status"] == "RESERVED"
    assert [r["request_status"] for r in asked["booking_requests"]] == ["ACCEPTED", "PENDING"]
    assert (await twice.json())["error"]["code"] == "change_pending"
    assert approved["period"] == period(5)
    assert [r["request_status"] for r in approved["booking_requests"]] == ["ACCEPTED", "ACCEPTED"]


async def test_a_declined_change_leaves_the_booking_reserved_where_it_was(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    pending = await booked(client, driver, location_id, period(2))
    await client.post(f"/api/v1/bookings/{pending['id']}/approve", headers=host.headers)
    await client.patch(f"/api/v1/bookings/{pending['id']}", json={"period": period(5)}, headers=driver.headers)

    declined = await (await client.post(f"/api/v1/bookings/{pending['id']}/decline", headers=host.headers)).json()

    assert (declined["reservation_status"], declined["period"]) == ("RESERVED", period(2))
    assert [r["request_status"] for r in declined["booking_requests"]] == ["ACCEPTED", "DECLINED"]


async def test_changes_close_change_until_minutes_before_the_start(client: Any, clock: Clock) -> None:
    _host, driver, location_id = await _scene(client, {"change_until_minutes": 60})
    booking = await booked(client, driver, location_id, period(2))

    clock.advance(minutes=61)
    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers
    )

    assert (response.status, (await response.json())["error"]["code"]) == (409, "too_late_to_change")


async def test_no_change_at_all_when_the_terms_forbid_it(client: Any) -> None:
    _host, driver, location_id = await _scene(client, {"change_not_allowed": True})
    booking = await booked(client, driver, location_id, period(2))

    response = await client.patch(
        f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers
    )

    assert (await response.json())["error"]["code"] == "change_not_allowed"


async def test_a_driver_cancels_with_a_driver_reason_and_frees_the_slot(client: Any) -> None:
    _host, driver, location_id = await _scene(client)
    rival = await actor(client, "rival@example.org")
    booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-1")
    url = f"/api/v1/bookings/{booking['id']}/cancel"

    wrong_reason = await client.post(url, json={"cancellation_reason": "POWER_OUTAGE"}, headers=driver.headers)
    canceled = await (await client.post(url, json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers)).json()
    again = await client.post(url, json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers)

    assert (await wrong_reason.json())["error"]["field"] == "cancellation_reason"
    assert canceled["reservation_status"] == "CANCELED"
    assert canceled["canceled"] == {"cancellation_reason": "TRAFFIC", "who_canceled": "EMSP"}
    assert (again.status, (await again.json())["error"]["code"]) == (409, "not_cancelable")
    assert (await book(client, rival, location_id, period(2), evse_uid="wallbox-1")).status == 201


async def test_the_host_cancels_any_time_with_a_charger_side_reason(client: Any, clock: Clock) -> None:
    host, driver, location_id = await _scene(client)
    booking = await booked(client, driver, location_id, period(2))
    clock.advance(minutes=110)

    canceled = await (
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel",
            json={"cancellation_reason": "BROKEN_CHARGER"},
            headers=host.headers,
        )
    ).json()

    assert canceled["canceled"] == {"cancellation_reason": "BROKEN_CHARGER", "who_canceled": "CPO"}


async def test_a_driver_withdraws_an_unanswered_request(client: Any) -> None:
    _host, driver, location_id = await _scene(client, APPROVAL)
    pending = await booked(client, driver, location_id, period(2))

    withdrawn = await (
        await client.post(
            f"/api/v1/bookings/{pending['id']}/cancel", json={"cancellation_reason": "UNKNOWN"}, headers=driver.headers
        )
    ).json()

    assert withdrawn["reservation_status"] == "CANCELED"
    assert [r["request_status"] for r in withdrawn["booking_requests"]] == ["FAILED"]


async def test_a_reserved_slot_nobody_used_becomes_a_no_show_after_the_timeout(client: Any, clock: Clock) -> None:
    _host, driver, location_id = await _scene(client, {"noshow_timeout": 15})
    booking = await booked(client, driver, location_id, period(2))

    clock.advance(hours=2, minutes=14)
    before = await _sweep(client)
    clock.advance(minutes=1)
    after = await _sweep(client)

    assert (before.no_shows, after.no_shows) == (0, 1)
    assert (await _read(client, driver, booking["id"]))["reservation_status"] == "NO_SHOW"
    assert (await _sweep(client)).no_shows == 0

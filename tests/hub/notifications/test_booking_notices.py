"""A booking's driver and host are told of what the other did, and of what the clock decided."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from chargeshare_hub.notifications.tables import OutboundEmail
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor, book, booked, listing, period, priced_listing
from tests.hub.notifications.helpers import inbox, kinds

APPROVAL = {"approval": "HOST_APPROVAL", "response_deadline_minutes": 60}


async def _scene(client: Any, terms: dict[str, Any] | None = None) -> tuple[Actor, Actor, str]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    return host, driver, await listing(client, host, terms)


async def _post(client: Any, user: Actor, path: str, **body: Any) -> dict[str, Any]:
    response = await client.post(path, json=body or None, headers=user.headers)
    assert response.status == 200, await response.text()
    document: dict[str, Any] = await response.json()
    return document


async def test_the_host_is_told_of_an_instant_booking_and_it_is_emailed(client: Any) -> None:
    host, driver, location_id = await _scene(client)

    booking = await booked(client, driver, location_id, period(2))

    [notice] = (await inbox(client, host))["notifications"]
    assert notice["kind"] == "booking.created"
    assert notice["link"] == f"/bookings/{booking['id']}"
    assert "Driveway wallbox" in notice["subject"]
    assert "Mon 01 Jun 2026, 12:00 to 13:00 (Europe/Berlin)" in notice["body"]  # the charger's local time
    assert notice["email"] == "queued"
    assert await kinds(client, driver) == []
    async with client.server.app[HUB].db.read() as session:
        assert await session.scalar(select(OutboundEmail.to_address)) == "host@example.org"


async def test_the_host_is_told_of_a_request_and_the_driver_of_the_acceptance(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    booking = await booked(client, driver, location_id, period(2))
    requested = await kinds(client, host)

    await _post(client, host, f"/api/v1/bookings/{booking['id']}/approve")

    assert requested == ["booking.requested"]
    assert await kinds(client, driver) == ["booking.accepted"]


async def test_the_driver_is_told_of_a_declined_request(client: Any) -> None:
    host, driver, location_id = await _scene(client, APPROVAL)
    booking = await booked(client, driver, location_id, period(2))

    await _post(client, host, f"/api/v1/bookings/{booking['id']}/decline")

    assert await kinds(client, driver) == ["booking.declined"]


async def test_the_driver_is_told_when_the_host_let_a_request_run_out(client: Any, clock: Clock) -> None:
    _host, driver, location_id = await _scene(client, APPROVAL)
    await booked(client, driver, location_id, period(5))

    clock.advance(minutes=61)
    await client.server.app[HUB].bookings.sweep()
    await client.server.app[HUB].bookings.sweep()  # once only

    assert await kinds(client, driver) == ["booking.expired"]


async def test_a_change_waiting_for_the_host_and_its_answer(client: Any) -> None:
    host, driver, location_id = await _scene(client, {**APPROVAL, "change_until_minutes": 0})
    booking = await booked(client, driver, location_id, period(2))
    await _post(client, host, f"/api/v1/bookings/{booking['id']}/approve")

    moved = await client.patch(f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers)
    assert moved.status == 200, await moved.text()
    await _post(client, host, f"/api/v1/bookings/{booking['id']}/approve")

    assert await kinds(client, host) == ["booking.change_requested", "booking.requested"]
    assert await kinds(client, driver) == ["booking.change_accepted", "booking.accepted"]


async def test_an_instant_change_is_told_to_the_host(client: Any) -> None:
    host, driver, location_id = await _scene(client)
    booking = await booked(client, driver, location_id, period(2))

    await client.patch(f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers)

    assert await kinds(client, host) == ["booking.changed", "booking.created"]


async def test_a_cancellation_is_told_to_the_other_party_only(client: Any) -> None:
    host, driver, location_id = await _scene(client)
    by_driver = await booked(client, driver, location_id, period(2))
    by_host = await booked(client, driver, location_id, period(5))

    await _post(client, driver, f"/api/v1/bookings/{by_driver['id']}/cancel", cancellation_reason="TRAFFIC")
    await _post(client, host, f"/api/v1/bookings/{by_host['id']}/cancel", cancellation_reason="POWER_OUTAGE")

    host_items = (await inbox(client, host))["notifications"]
    driver_items = (await inbox(client, driver))["notifications"]
    assert [(i["kind"], i["link"]) for i in host_items if i["kind"] == "booking.canceled"] == [
        ("booking.canceled", f"/bookings/{by_driver['id']}")
    ]
    assert [(i["kind"], i["link"]) for i in driver_items] == [("booking.canceled", f"/bookings/{by_host['id']}")]


async def test_the_driver_is_told_of_a_no_show_and_its_fee(client: Any, clock: Clock) -> None:
    _host, location_id = await priced_listing(
        client, "tariff_17_reservation_with_expire_fee.json", {"noshow_fee": True}
    )
    driver = await actor(client, "driver@example.org")
    await booked(client, driver, location_id, period(2))

    clock.advance(hours=3)
    await client.server.app[HUB].bookings.sweep()

    [notice] = (await inbox(client, driver))["notifications"]
    assert notice["kind"] == "booking.no_show"
    assert "4.80 EUR" in notice["body"]


async def test_a_refused_booking_tells_nobody(client: Any) -> None:
    host, driver, location_id = await _scene(client)
    other = await actor(client, "other@example.org")

    responses = await asyncio.gather(
        book(client, driver, location_id, period(2), evse_uid="wallbox-1"),
        book(client, other, location_id, period(2), evse_uid="wallbox-1"),
    )

    assert sorted(response.status for response in responses) == [201, 409]
    assert await kinds(client, host) == ["booking.created"]
    async with client.server.app[HUB].db.read() as session:
        assert len(list(await session.scalars(select(OutboundEmail.id)))) == 1

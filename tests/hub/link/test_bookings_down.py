"""Bookings reach the host's Home Assistant: a request to answer, a reserved booking with the id tag the charger
must accept, changes and cancellations; each resent after a reconnect until Home Assistant acknowledges it, and the
host's answer through the link counts as the host's."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.link.tables import LinkOutbox
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor, book, booked, listing, period

from .helpers import count, linked, paired


async def test_a_booking_made_by_a_driver_is_delivered_reserved_with_its_id_tag(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    token = await paired(client, host)

    async with linked(client, token) as link:
        booking = await booked(client, driver, location_id, period(2), evse_uid="wallbox-2")
        reserved = await link.next("booking.reserved")

    payload = reserved["payload"]
    assert reserved["id"].isdigit()
    assert payload["id"] == booking["id"]
    assert (payload["reservation_status"], payload["evse_uid"], payload["id_tag"]) == (
        "RESERVED",
        "wallbox-2",
        booking["id_tag"],
    )
    assert payload["period"] == booking["period"]
    assert (payload["early_start_time"], payload["late_stop_time"]) == (10, 0)
    assert payload["driver_name"] == "driver"
    assert "driver_id" not in payload


async def test_an_unacknowledged_booking_is_resent_after_a_reconnect_until_acknowledged(
    client: Any, clock: Clock
) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)
    token = await paired(client, host)
    booking = await booked(client, driver, location_id, period(2))  # while Home Assistant is away

    async with linked(client, token) as first:
        delivered = await first.next("booking.reserved")  # not acknowledged: lost with the connection
    async with linked(client, token) as second:
        again = await second.next("booking.reserved")
        await second.ack(again)
        await second.nothing_more()
    async with linked(client, token) as third:
        after_ack = await third.nothing_more()

    assert delivered == again
    assert again["payload"]["id"] == booking["id"]
    assert after_ack == []
    assert await count(client, LinkOutbox, LinkOutbox.acked_at.is_(None)) == 0


async def test_a_request_is_delivered_without_the_id_tag_and_answered_through_the_link(
    client: Any, clock: Clock
) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, terms={"approval": "HOST_APPROVAL"})

    async with linked(client, await paired(client, host)) as link:
        booking = await booked(client, driver, location_id, period(3))
        requested = await link.next("booking.requested")
        await link.ack(requested)
        answer = await link.apply("booking.answer", {"booking_id": booking["id"], "accept": True})
        reserved = await link.next("booking.reserved")

    assert requested["payload"]["reservation_status"] == "PENDING"
    assert "respond_by" in requested["payload"]
    assert "id_tag" not in requested["payload"]
    assert answer["type"] == "ack"
    assert (reserved["payload"]["reservation_status"], reserved["payload"]["id_tag"]) == ("RESERVED", booking["id_tag"])
    shown = await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)
    assert (await shown.json())["reservation_status"] == "RESERVED"


async def test_the_host_declines_a_request_through_the_link(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, terms={"approval": "HOST_APPROVAL"})

    async with linked(client, await paired(client, host)) as link:
        booking = await booked(client, driver, location_id, period(3))
        await link.ack(await link.next("booking.requested"))
        answer = await link.apply("booking.answer", {"booking_id": booking["id"], "accept": False})
        cancelled = await link.next("booking.cancelled")
        again = await link.apply("booking.answer", {"booking_id": booking["id"], "accept": True})

    assert answer["type"] == "ack"
    assert cancelled["payload"] == {"booking_id": booking["id"], "reason": "DECLINED"}
    assert (again["type"], again["payload"]["code"]) == ("nack", "nothing_pending")
    shown = await client.get(f"/api/v1/bookings/{booking['id']}", headers=driver.headers)
    assert (await shown.json())["reservation_status"] == "REJECTED"


async def test_a_change_and_a_cancellation_follow(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    async with linked(client, await paired(client, host)) as link:
        booking = await booked(client, driver, location_id, period(3))
        await link.ack(await link.next("booking.reserved"))
        moved = await client.patch(
            f"/api/v1/bookings/{booking['id']}", json={"period": period(5)}, headers=driver.headers
        )
        changed = await link.next("booking.changed")
        await link.ack(changed)
        await client.post(
            f"/api/v1/bookings/{booking['id']}/cancel",
            json={"cancellation_reason": "TRAFFIC"},
            headers=driver.headers,
        )
        cancelled = await link.next("booking.cancelled")

    assert moved.status == 200, await moved.text()
    assert changed["payload"]["period"] == period(5)
    assert cancelled["payload"] == {"booking_id": booking["id"], "reason": "TRAFFIC"}


async def test_a_host_who_never_paired_home_assistant_gets_no_down_messages(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True, scopes=frozenset({"account", "listings", "bookings"}))
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host)

    response = await book(client, driver, location_id, period(2))

    assert response.status == 201
    assert await count(client, LinkOutbox) == 0


async def test_a_request_nobody_answered_in_time_is_withdrawn_from_home_assistant(client: Any, clock: Clock) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await listing(client, host, terms={"approval": "HOST_APPROVAL"})

    async with linked(client, await paired(client, host)) as link:
        booking = await booked(client, driver, location_id, period(3))
        await link.ack(await link.next("booking.requested"))
        clock.advance(hours=3)
        await client.server.app[HUB].bookings.sweep()
        withdrawn = await link.next("booking.cancelled")

    assert withdrawn["payload"] == {"booking_id": booking["id"], "reason": "EXPIRED"}

"""A session started with a booking's id tag belongs to that booking's driver, and fulfils the booking."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import actor

from .helpers import charged, charger, reserved


async def _status(client: Any, booking_id: str) -> str:
    async with client.server.app[HUB].db.read() as session:
        booking = await session.get(Booking, booking_id)
        assert booking is not None
        return booking.reservation_status


async def test_a_bookings_id_tag_gives_the_session_its_driver_and_fulfils_the_booking(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await charger(client, host)
    booking_id = await reserved(client, driver, location_id, "BOOKED1")

    cdr = await charged(client, host, location_id, id_tag="BOOKED1")

    assert cdr.driver_id == driver.user_id
    assert cdr.document["cdr_token"]["type"] == "APP_USER"
    assert await _status(client, booking_id) == "FULFILLED"
    session = await (await client.get("/api/v1/sessions/s1", headers=driver.headers)).json()
    assert session["booking_id"] == booking_id


async def test_an_unknown_id_tag_leaves_the_session_without_a_driver(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    location_id = await charger(client, host)
    booking_id = await reserved(client, driver, location_id, "BOOKED1")

    cdr = await charged(client, host, location_id, id_tag="SOMEONE")

    assert cdr.driver_id is None
    assert await _status(client, booking_id) == "RESERVED"


async def test_a_bookings_tag_at_another_chargers_session_does_not_fulfil_it(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    booked_location = await charger(client, host)
    other_location = await charger(client, host, name="Second charger")
    booking_id = await reserved(client, driver, booked_location, "BOOKED1")

    cdr = await charged(client, host, other_location, id_tag="BOOKED1")

    assert cdr.driver_id is None
    assert await _status(client, booking_id) == "RESERVED"

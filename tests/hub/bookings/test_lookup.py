"""What the charging side asks: which booking an id tag opens, and fulfilling it so it is no no-show."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chargeshare_hub.bookings.lifecycle import TransitionError
from chargeshare_hub.bookings.lookup import booking_for_id_tag, mark_fulfilled
from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, Clock, actor, booked, listing, period

START = START_OF_TESTS + timedelta(hours=2)


async def _booking(client: Any, terms: dict[str, Any]) -> dict[str, Any]:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    return await booked(client, driver, await listing(client, host, terms), period(2))


async def _found(client: Any, id_tag: str, at_minutes: int) -> bool:
    async with client.server.app[HUB].db.read() as session:
        return await booking_for_id_tag(session, id_tag, START + timedelta(minutes=at_minutes)) is not None


async def test_an_id_tag_opens_its_booking_from_the_early_start_until_the_slot_ends(client: Any) -> None:
    booking = await _booking(client, {"early_start_allowed": True, "early_start_time": 10, "noshow_timeout": 15})

    found = [await _found(client, booking["id_tag"], minutes) for minutes in (-11, -10, 0, 59, 60)]

    assert found == [False, True, True, True, False]
    assert not await _found(client, "CSNOSUCHTAG", 0)


async def test_without_early_start_the_tag_opens_at_the_start(client: Any) -> None:
    booking = await _booking(client, {"early_start_allowed": False, "early_start_time": 10})

    assert [await _found(client, booking["id_tag"], minutes) for minutes in (-1, 0)] == [False, True]


async def test_a_no_show_timeout_longer_than_the_slot_extends_the_window(client: Any) -> None:
    booking = await _booking(client, {"noshow_timeout": 90})

    assert [await _found(client, booking["id_tag"], minutes) for minutes in (89, 90)] == [True, False]


async def test_a_fulfilled_booking_is_no_no_show_and_opens_nothing_more(client: Any, clock: Clock) -> None:
    booking = await _booking(client, {"noshow_timeout": 15})
    hub = client.server.app[HUB]
    async with hub.db.write() as session:
        found = await booking_for_id_tag(session, booking["id_tag"], START)
        assert found is not None
        await mark_fulfilled(session, found, START)
    clock.advance(hours=4)

    swept = await hub.bookings.sweep()

    assert swept.no_shows == 0
    assert not await _found(client, booking["id_tag"], 5)
    async with hub.db.write() as session:
        again = await session.get(Booking, booking["id"])
        assert again is not None
        assert again.reservation_status == "FULFILLED"
        with pytest.raises(TransitionError):
            await mark_fulfilled(session, again, START)

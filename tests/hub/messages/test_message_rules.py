"""What a message may be, who may write and read it, how many, and for how long after the booking."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.messages.service import RATE_LIMIT
from tests.hub.bookings.helpers import Clock, actor, booked, listing, period
from tests.hub.messages.helpers import scene, thread, write


async def _count(client: Any, user: Any, booking_id: str) -> int:
    return len((await (await thread(client, user, booking_id)).json())["messages"])


async def test_nobody_but_driver_and_host_sees_the_booking_and_admins_only_read(client: Any) -> None:
    s = await scene(client)
    await write(client, s.driver, s.booking_id, "hello")
    other_driver = await actor(client, "other@example.org")
    other_host = await actor(client, "otherhost@example.org", host=True)
    await listing(client, other_host)
    admin = await actor(client, "admin@example.org", admin=True)

    for stranger in (other_driver, other_host):
        assert (await thread(client, stranger, s.booking_id)).status == 404
        assert (await write(client, stranger, s.booking_id)).status == 404
    admin_read = await thread(client, admin, s.booking_id)
    admin_write = await write(client, admin, s.booking_id)
    unknown = await thread(client, s.driver, "no-such-booking")
    anonymous = await client.get(f"/api/v1/bookings/{s.booking_id}/messages")

    assert admin_read.status == 200
    assert [(m["sender"], m["mine"]) for m in (await admin_read.json())["messages"]] == [("driver", False)]
    assert admin_write.status == 403
    assert unknown.status == 404
    assert anonymous.status == 401
    assert await _count(client, s.driver, s.booking_id) == 1


async def test_a_token_needs_the_bookings_scope(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org", scopes=ALL_SCOPES - {"bookings"})
    location_id = await listing(client, host)
    booking = await booked(client, await actor(client, "d2@example.org"), location_id, period(2))

    response = await write(client, driver, booking["id"])

    assert response.status == 403


async def test_a_message_is_1_to_2000_characters_of_text(client: Any) -> None:
    s = await scene(client)

    for body in ("", "   \n ", "x" * 2001, 42):
        response = await write(client, s.driver, s.booking_id, body)
        assert response.status == 400, body
        assert (await response.json())["error"]["field"] == "body"
    assert (await write(client, s.driver, s.booking_id, "x" * 2000)).status == 201
    assert await _count(client, s.driver, s.booking_id) == 1


async def test_a_sender_writes_at_most_20_messages_an_hour_about_a_booking(client: Any, clock: Clock) -> None:
    s = await scene(client)
    for number in range(RATE_LIMIT):
        assert (await write(client, s.driver, s.booking_id, f"m{number}")).status == 201
        clock.advance(minutes=1)

    refused = await write(client, s.driver, s.booking_id, "one too many")
    host_answers = await write(client, s.host, s.booking_id, "the host has their own allowance")
    clock.advance(minutes=41)  # the first message is now an hour old
    later = await write(client, s.driver, s.booking_id, "an hour later")

    assert refused.status == 429
    assert (await refused.json())["error"]["code"] == "rate_limited"
    assert refused.headers["Retry-After"] == "2400"
    assert host_answers.status == 201
    assert later.status == 201
    assert await _count(client, s.driver, s.booking_id) == RATE_LIMIT + 2


async def test_a_booking_that_ended_over_30_days_ago_takes_no_more_messages(client: Any, clock: Clock) -> None:
    s = await scene(client)  # 10:00 to 11:00 UTC on the first day
    clock.advance(days=30, hours=3)
    last = await write(client, s.driver, s.booking_id, "still in time")
    clock.advance(minutes=1)

    closed = await write(client, s.driver, s.booking_id, "too late")

    assert last.status == 201
    assert (closed.status, (await closed.json())["error"]["code"]) == (409, "conversation_closed")
    assert (await thread(client, s.driver, s.booking_id)).status == 200  # still readable

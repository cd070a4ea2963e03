"""A booking's driver and the listing's host write to each other about it; the other party is told."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Clock
from tests.hub.messages.helpers import scene, thread, write
from tests.hub.notifications.helpers import inbox


async def test_driver_and_host_write_to_each_other(client: Any, clock: Clock) -> None:
    s = await scene(client)

    sent = await write(client, s.driver, s.booking_id, "Running 10 minutes late")
    clock.advance(minutes=1)
    await write(client, s.host, s.booking_id, "No problem. Gate code 1234.")
    driver_view = await (await thread(client, s.driver, s.booking_id)).json()
    host_view = await (await thread(client, s.host, s.booking_id)).json()

    assert sent.status == 201
    assert (await sent.json())["sender"] == "driver"
    assert [(m["sender"], m["mine"], m["body"]) for m in driver_view["messages"]] == [
        ("driver", True, "Running 10 minutes late"),
        ("host", False, "No problem. Gate code 1234."),
    ]
    assert driver_view["role"] == "driver"
    assert [m["mine"] for m in host_view["messages"]] == [False, True]
    assert driver_view["messages"][0]["created_at"] == "2026-06-01T08:00:00Z"


async def test_polling_after_the_last_message_seen(client: Any) -> None:
    s = await scene(client)
    first = await (await write(client, s.driver, s.booking_id, "one")).json()
    await write(client, s.host, s.booking_id, "two")

    newer = await (await thread(client, s.driver, s.booking_id, f"?after={first['id']}")).json()
    bad = await thread(client, s.driver, s.booking_id, "?after=x")

    assert [m["body"] for m in newer["messages"]] == ["two"]
    assert bad.status == 400


async def test_the_other_party_gets_a_notice_without_the_text(client: Any) -> None:
    s = await scene(client)

    await write(client, s.driver, s.booking_id, "Gate code please?")

    notices = [n for n in (await inbox(client, s.host))["notifications"] if n["kind"] == "message.received"]
    [notice] = notices
    assert notice["link"] == f"/bookings/{s.booking_id}/messages"
    assert notice["email"] == "queued"
    assert "driver" in notice["body"]
    assert "Gate code" not in notice["body"] + notice["subject"]  # what was written stays on the hub
    assert [n for n in (await inbox(client, s.driver))["notifications"] if n["kind"] == "message.received"] == []


async def test_a_burst_of_messages_is_one_notice_until_it_is_read(client: Any) -> None:
    s = await scene(client)

    for number in range(3):
        await write(client, s.driver, s.booking_id, f"message {number}")
    unread_before = await _message_notices(client, s)
    await client.post("/api/v1/inbox/read", headers=s.host.headers)
    await write(client, s.driver, s.booking_id, "after reading")

    assert len(unread_before) == 1
    assert len(await _message_notices(client, s)) == 2


async def _message_notices(client: Any, s: Any) -> list[Any]:
    return [n for n in (await inbox(client, s.host))["notifications"] if n["kind"] == "message.received"]

"""A user asks for help; every admin is told; an admin answers in the thread and closes it."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import actor, booked, listing, period
from tests.hub.notifications.helpers import inbox, kinds
from tests.hub.support.helpers import REQUESTS, ask, asked, close, read, reply


async def test_a_request_opens_and_every_admin_is_told(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    admins = [await actor(client, f"admin{n}@example.org", admin=True) for n in range(2)]

    created = await asked(client, driver)

    assert created["status"] == "OPEN"
    assert (created["subject"], created["replies"]) == ("Charger refuses my card", [])
    for admin in admins:
        [notice] = (await inbox(client, admin))["notifications"]
        assert notice["kind"] == "support.requested"
        assert notice["link"] == f"/support/{created['id']}"
        assert notice["email"] == "queued"
    assert await kinds(client, driver) == []


async def test_an_admin_answers_the_requester_follows_up_and_the_admin_closes(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    created = await asked(client, driver)

    answered = await (await reply(client, admin, created["id"], "Try the other connector.")).json()
    followed = await (await reply(client, driver, created["id"], "That worked, thanks.")).json()
    closed = await close(client, admin, created["id"])
    after = await reply(client, driver, created["id"], "One more thing")

    assert answered["status"] == "ANSWERED"
    assert followed["status"] == "OPEN"
    assert (await closed.json())["status"] == "CLOSED"
    assert (after.status, (await after.json())["error"]["code"]) == (409, "closed")
    thread = await (await read(client, driver, created["id"])).json()
    assert [(r["from_staff"], r["mine"], r["body"]) for r in thread["replies"]] == [
        (True, False, "Try the other connector."),
        (False, True, "That worked, thanks."),
    ]
    assert await kinds(client, driver) == ["support.closed", "support.answered"]
    assert await kinds(client, admin) == ["support.followed_up", "support.requested"]


async def test_the_requester_lists_their_own_requests_with_status(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    first = await asked(client, driver, "first")
    await asked(client, driver, "second")
    await asked(client, other, "someone else's")
    await close(client, admin, first["id"])

    own = await (await client.get(REQUESTS, headers=driver.headers)).json()
    open_only = await (await client.get(f"{REQUESTS}?status=OPEN", headers=driver.headers)).json()

    assert [(r["subject"], r["status"]) for r in own["support_requests"]] == [("second", "OPEN"), ("first", "CLOSED")]
    assert [r["subject"] for r in open_only["support_requests"]] == ["second"]


async def test_admins_list_everyones_requests(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    await asked(client, driver, "mine")
    await asked(client, other, "theirs")

    everyone = await (await client.get(f"{REQUESTS}?all=true&status=OPEN", headers=admin.headers)).json()
    refused = await client.get(f"{REQUESTS}?all=true", headers=driver.headers)

    assert [r["subject"] for r in everyone["support_requests"]] == ["theirs", "mine"]
    assert refused.status == 403


async def test_a_request_may_name_the_requesters_own_booking_as_driver_or_host(client: Any) -> None:
    host = await actor(client, "host@example.org", host=True)
    driver = await actor(client, "driver@example.org")
    stranger = await actor(client, "stranger@example.org")
    booking = await booked(client, driver, await listing(client, host), period(2))

    as_driver = await ask(client, driver, booking_id=booking["id"])
    as_host = await ask(client, host, booking_id=booking["id"])
    as_stranger = await ask(client, stranger, booking_id=booking["id"])
    unknown = await ask(client, driver, booking_id="no-such-booking")

    assert (as_driver.status, (await as_driver.json())["booking_id"]) == (201, booking["id"])
    assert as_host.status == 201
    for refused in (as_stranger, unknown):
        assert refused.status == 400
        assert (await refused.json())["error"] == {
            "code": "unknown_booking", "message": "You have no such booking.", "field": "booking_id",
        }  # fmt: skip
    assert (await (await client.get(REQUESTS, headers=stranger.headers)).json())["support_requests"] == []

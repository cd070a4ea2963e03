"""Who sees and changes a support request, what a request may hold, and how many a user may open."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.support.service import NEW_PER_DAY
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.support.helpers import REQUESTS, ask, asked, close, read, reply


async def test_only_the_requester_and_admins_see_a_request(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    host = await actor(client, "host@example.org", host=True)
    admin = await actor(client, "admin@example.org", admin=True)
    created = await asked(client, driver)

    for stranger in (other, host):
        assert (await read(client, stranger, created["id"])).status == 404
        assert (await reply(client, stranger, created["id"])).status == 404
        assert (await close(client, stranger, created["id"])).status == 404
    assert (await read(client, admin, created["id"])).status == 200
    assert (await read(client, driver, created["id"])).status == 200
    assert (await read(client, driver, "999999")).status == 404
    assert (await read(client, driver, "abc")).status == 404
    assert (await read(client, driver, "99999999999999")).status == 404
    assert (await client.get(f"{REQUESTS}/{created['id']}")).status == 401


async def test_only_admins_close_and_closing_twice_is_refused(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    created = await asked(client, driver)

    by_requester = await close(client, driver, created["id"])
    first = await close(client, admin, created["id"])
    second = await close(client, admin, created["id"])

    assert by_requester.status == 403
    assert first.status == 200
    assert (second.status, (await second.json())["error"]["code"]) == (409, "closed")


async def test_subject_and_body_are_required_text_of_bounded_length(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    cases = [
        ({"body": "no subject"}, "subject"),
        ({"subject": "no body"}, "body"),
        ({"subject": "  ", "body": "blank subject"}, "subject"),
        ({"subject": "x" * 201, "body": "long"}, "subject"),
        ({"subject": "long", "body": "x" * 5001}, "body"),
        ({"subject": "s", "body": "b", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        response = await client.post(REQUESTS, json=body, headers=driver.headers)
        assert response.status == 400, body
        assert (await response.json())["error"]["field"] == field
    blank_reply = await reply(client, driver, (await asked(client, driver))["id"], "   ")
    assert blank_reply.status == 400
    assert len((await (await client.get(REQUESTS, headers=driver.headers)).json())["support_requests"]) == 1


async def test_a_user_opens_at_most_five_requests_a_day(client: Any, clock: Clock) -> None:
    driver = await actor(client, "driver@example.org")
    for number in range(NEW_PER_DAY):
        await asked(client, driver, f"request {number}")
        clock.advance(hours=1)

    refused = await ask(client, driver, "one too many")
    clock.advance(hours=20)  # the first is now a day old
    later = await ask(client, driver, "next day")

    assert (refused.status, (await refused.json())["error"]["code"]) == (429, "rate_limited")
    assert later.status == 201


async def test_support_needs_a_sign_in_and_the_account_scope(client: Any) -> None:
    scoped = await actor(client, "driver@example.org", scopes=ALL_SCOPES - {"account"})

    assert (await client.post(REQUESTS, json={"subject": "s", "body": "b"})).status == 401
    assert (await ask(client, scoped)).status == 403


async def test_bad_list_filters_are_refused(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    for query in ("?status=PENDING", "?all=yes"):
        assert (await client.get(f"{REQUESTS}{query}", headers=driver.headers)).status == 400

"""The inbox: every notification a user gets, newest first, paged, with what is unread; only its owner's."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.notifications.helpers import inbox, tell


async def test_a_notification_lands_in_the_inbox_with_its_link_and_email_state(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    await tell(client, driver, "Booking confirmed")
    document = await inbox(client, driver)

    [item] = document["notifications"]
    assert item["kind"] == "test.hello"
    assert (item["subject"], item["body"], item["link"]) == (
        "Booking confirmed",
        "Body of Booking confirmed",
        "/bookings/b1",
    )
    assert item["read_at"] is None
    assert item["email"] == "queued"
    assert document["unread_count"] == 1
    assert document["next_cursor"] is None


async def test_a_notification_without_email_says_so(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    await tell(client, driver, email=False)

    assert (await inbox(client, driver))["notifications"][0]["email"] is None


async def test_the_inbox_is_newest_first_and_pages_with_a_cursor(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    for number in range(5):
        await tell(client, driver, f"n{number}")

    first = await inbox(client, driver, "?limit=2")
    await tell(client, driver, "arrived meanwhile")  # does not shift the pages already read
    second = await inbox(client, driver, f"?limit=2&cursor={first['next_cursor']}")
    last = await inbox(client, driver, f"?limit=2&cursor={second['next_cursor']}")

    assert [item["subject"] for item in first["notifications"]] == ["n4", "n3"]
    assert [item["subject"] for item in second["notifications"]] == ["n2", "n1"]
    assert [item["subject"] for item in last["notifications"]] == ["n0"]
    assert last["next_cursor"] is None
    assert last["unread_count"] == 6


async def test_unread_only_and_marking_one_read(client: Any, clock: Clock) -> None:
    driver = await actor(client, "driver@example.org")
    await tell(client, driver, "old")
    await tell(client, driver, "new")
    old_id = (await inbox(client, driver))["notifications"][1]["id"]

    response = await client.post(f"/api/v1/inbox/{old_id}/read", headers=driver.headers)
    again = await client.post(f"/api/v1/inbox/{old_id}/read", headers=driver.headers)

    assert response.status == 200
    read = await response.json()
    assert read["read_at"] == clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (await again.json())["read_at"] == read["read_at"]  # marking again changes nothing
    unread = await inbox(client, driver, "?unread=true")
    assert [item["subject"] for item in unread["notifications"]] == ["new"]
    assert unread["unread_count"] == 1


async def test_marking_all_read(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    for number in range(3):
        await tell(client, driver, f"n{number}")

    response = await client.post("/api/v1/inbox/read", headers=driver.headers)

    assert await response.json() == {"marked": 3, "unread_count": 0}
    assert (await inbox(client, driver, "?unread=true"))["notifications"] == []


async def test_nobody_sees_or_marks_anothers_notifications(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    await tell(client, driver)
    notification_id = (await inbox(client, driver))["notifications"][0]["id"]

    for stranger in (other, admin):
        assert (await inbox(client, stranger))["notifications"] == []
        response = await client.post(f"/api/v1/inbox/{notification_id}/read", headers=stranger.headers)
        assert response.status == 404
        await client.post("/api/v1/inbox/read", headers=stranger.headers)

    assert (await inbox(client, driver))["unread_count"] == 1


async def test_the_inbox_needs_a_sign_in_and_the_account_scope(client: Any) -> None:
    driver = await actor(client, "driver@example.org", scopes=ALL_SCOPES - {"account"})

    anonymous = await client.get("/api/v1/inbox")
    scoped = await client.get("/api/v1/inbox", headers=driver.headers)
    mark = await client.post("/api/v1/inbox/read", headers=driver.headers)

    assert anonymous.status == 401
    assert (scoped.status, (await scoped.json())["error"]["code"]) == (403, "insufficient_scope")
    assert mark.status == 403


async def test_bad_paging_parameters_are_refused(client: Any) -> None:
    driver = await actor(client, "driver@example.org")

    for query, field in (("?limit=0", "limit"), ("?limit=101", "limit"), ("?cursor=abc", "cursor"),
                         ("?unread=maybe", "unread"), ("?cursor=99999999999", "cursor")):  # fmt: skip
        response = await client.get(f"/api/v1/inbox{query}", headers=driver.headers)
        assert response.status == 400, query
        assert (await response.json())["error"]["field"] == field
    unknown = await client.post("/api/v1/inbox/abc/read", headers=driver.headers)
    assert unknown.status == 404

"""What others wrote stays readable after its author deletes their account, shown as by a deleted user; what
was written about the deleted person goes with them."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor, booked, listing, period
from tests.hub.charging.helpers import charger, end
from tests.hub.privacy.conftest import delete_account, person
from tests.hub.reviews.helpers import reviewed
from tests.hub.trust.helpers import fulfilled, verify


async def _stay(client: Any) -> tuple[Actor, Actor, str, str]:
    """A host and a driver (both verified, with passwords) after a fulfilled booking whose session ended."""
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    await verify(client, host, driver)
    listing_id = await charger(client, host)
    booking_id = await fulfilled(client, host, driver, listing_id, "STAY1")
    await end(client, host, "session-STAY1", minutes=60, meter_wh=6_000)
    return host, driver, listing_id, booking_id


async def test_a_deleted_drivers_review_stays_with_the_listing_by_a_deleted_user(client: Any) -> None:
    host, driver, listing_id, booking_id = await _stay(client)
    await reviewed(client, driver, booking_id, score=4, comment="Easy to find")
    await reviewed(client, host, booking_id, score=5, comment="Left the bay tidy")

    assert (await delete_account(client, driver)).status == 204
    listing_reviews = await (await client.get(f"/api/v1/listings/{listing_id}/reviews")).json()
    about_driver = await client.get(f"/api/v1/drivers/{driver.user_id}/reviews", headers=host.headers)

    assert [(review["author"], review["comment"]) for review in listing_reviews["reviews"]] == [
        ({"name": "Deleted user"}, "Easy to find")
    ]
    assert about_driver.status != 200 or (await about_driver.json())["reviews"] == []


async def test_a_deleted_drivers_messages_stay_in_the_hosts_conversation(client: Any) -> None:
    host = await person(client, "host@example.org", host=True)
    driver = await person(client, "driver@example.org")
    booking_id = (await booked(client, driver, await listing(client, host), period(48)))["id"]
    sent = await client.post(
        f"/api/v1/bookings/{booking_id}/messages", json={"body": "Running late"}, headers=driver.headers
    )
    assert sent.status == 201, await sent.text()

    await delete_account(client, driver)
    conversation = await (await client.get(f"/api/v1/bookings/{booking_id}/messages", headers=host.headers)).json()

    assert [message["body"] for message in conversation["messages"]] == ["Running late"]


async def test_the_export_holds_the_users_reviews_and_messages_and_no_verification_secret(client: Any) -> None:
    _host, driver, _listing_id, booking_id = await _stay(client)
    await reviewed(client, driver, booking_id, score=4)
    host = await person(client, "other-host@example.org", host=True)
    later = (await booked(client, driver, await listing(client, host), period(48)))["id"]
    await client.post(f"/api/v1/bookings/{later}/messages", json={"body": "On my way"}, headers=driver.headers)

    tables = (await (await client.get("/api/v1/me/export", headers=driver.headers)).json())["tables"]

    assert [review["score"] for review in tables["reviews"]] == [4]
    assert [message["body"] for message in tables["booking_messages"]] == ["On my way"]
    assert [sorted(row) for row in tables["email_verifications"]] == [
        ["created_at", "email", "expires_at", "id", "used_at", "user_id"]
    ]

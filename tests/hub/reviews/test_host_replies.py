"""The listing's host answers a driver's review once, may edit the answer, and the driver is told."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.charging.helpers import charger
from tests.hub.reviews.helpers import error, reviewed, stay
from tests.hub.trust.helpers import verify


async def _reply(client: Any, by: Actor | None, review_id: int, text: str, *, method: str = "POST") -> Any:
    headers = {} if by is None else by.headers
    return await client.request(method, f"/api/v1/reviews/{review_id}/reply", json={"body": text}, headers=headers)


async def test_the_host_replies_and_the_driver_is_told(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=3, comment="Cable too short.")

    response = await _reply(client, booked.host, review["id"], "A longer cable is on its way.")

    reply = (await response.json())["reply"]
    assert response.status == 201
    assert reply["body"] == "A longer cable is on its way."
    async with client.server.app[HUB].db.read() as session:
        told = list(
            await session.execute(
                select(Notification.kind, Notification.link).where(Notification.user_id == booked.driver.user_id)
            )
        )
    assert [(kind, link) for kind, link in told] == [("review.replied", f"/reviews/{review['id']}")]
    listed = await (await client.get(f"/api/v1/listings/{booked.listing_id}/reviews")).json()
    assert listed["reviews"][0]["reply"] == reply


async def test_a_review_has_one_reply_which_the_host_may_edit(client: Any, clock: Clock) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=3)
    first = await (await _reply(client, booked.host, review["id"], "Sorry.")).json()
    clock.advance(days=40)

    again = await _reply(client, booked.host, review["id"], "Sorry again.")
    edited = await _reply(client, booked.host, review["id"], "Fixed now.", method="PUT")

    assert await error(again) == (409, "already_replied")
    reply = (await edited.json())["reply"]
    assert edited.status == 200
    assert (reply["body"], reply["created_at"]) == ("Fixed now.", first["reply"]["created_at"])
    assert reply["updated_at"] > reply["created_at"]


async def test_a_reply_is_edited_only_once_written(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=3)

    assert await error(await _reply(client, booked.host, review["id"], "Hm.", method="PUT")) == (404, "not_found")


async def test_only_the_listings_host_replies(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=1)
    other_host = await actor(client, "otherhost@example.org", host=True)
    admin = await actor(client, "admin@example.org", admin=True)
    await verify(client, other_host, admin)
    await charger(client, other_host, name="Elsewhere")

    for someone in (other_host, booked.driver, admin):
        for method in ("POST", "PUT"):
            assert await error(await _reply(client, someone, review["id"], "Not mine.", method=method)) == (
                403,
                "forbidden",
            )
    assert await error(await _reply(client, None, review["id"], "Who?")) == (401, "unauthorized")
    assert (await (await client.get(f"/api/v1/reviews/{review['id']}")).json())["reply"] is None


async def test_a_hosts_review_of_a_driver_takes_no_reply(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.host, booked.booking_id, score=4)

    assert await error(await _reply(client, booked.host, review["id"], "Me again.")) == (409, "not_replyable")


async def test_a_reply_says_something(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=3)

    for text in ("", "   ", "x" * 2001):
        response = await _reply(client, booked.host, review["id"], text)
        assert (response.status, (await response.json())["error"]["field"]) == (400, "body")


async def test_an_unverified_host_writes_no_reply(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=3)
    async with client.server.app[HUB].db.write() as session:
        host = await session.get(User, booked.host.user_id)
        assert host is not None
        host.email_verified_at = None

    assert await error(await _reply(client, booked.host, review["id"], "Hi.")) == (403, "email_unverified")

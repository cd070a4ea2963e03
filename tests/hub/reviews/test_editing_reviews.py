"""Its author may edit a review for 14 days after writing it, and nobody else ever; the listing's score follows."""

from __future__ import annotations

from typing import Any

from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.reviews.helpers import error, reviewed, stay
from tests.hub.trust.helpers import verify


async def _edit(client: Any, by: Actor | None, review_id: int, **body: Any) -> Any:
    headers = {} if by is None else by.headers
    return await client.put(f"/api/v1/reviews/{review_id}", json=body, headers=headers)


async def _read(client: Any, review_id: int) -> dict[str, Any]:
    response = await client.get(f"/api/v1/reviews/{review_id}")
    assert response.status == 200
    review: dict[str, Any] = await response.json()
    return review


async def _listing_score(client: Any, listing_id: str) -> Any:
    return (await (await client.get(f"/api/v1/listings/{listing_id}/reviews")).json())["rating"]


async def test_the_author_edits_a_review_and_the_listing_score_follows(client: Any, clock: Clock) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=2, comment="Slow.", checkin_status=25)
    clock.advance(days=3)

    response = await _edit(client, booked.driver, review["id"], score=4, comment="Host fixed it.")

    edited = await response.json()
    assert response.status == 200
    assert (edited["score"], edited["comment"], edited["checkin"], edited["host_score"]) == (
        4,
        "Host fixed it.",
        None,
        None,
    )
    assert edited["updated_at"] > edited["created_at"] == review["created_at"]
    assert await _listing_score(client, booked.listing_id) == {"score": 4, "count": 1}


async def test_a_review_may_be_edited_until_14_days_after_it_was_written(client: Any, clock: Clock) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=2)
    clock.advance(days=13, hours=23, minutes=59)
    assert (await _edit(client, booked.driver, review["id"], score=3)).status == 200
    clock.advance(minutes=1)

    response = await _edit(client, booked.driver, review["id"], score=5)

    assert await error(response) == (409, "edit_window_closed")
    assert (await _read(client, review["id"]))["score"] == 3
    assert await _listing_score(client, booked.listing_id) == {"score": 3, "count": 1}


async def test_nobody_but_the_author_edits_a_drivers_review(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=2)
    other = await actor(client, "other@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    await verify(client, other, admin)

    for someone in (booked.host, other, admin):
        assert await error(await _edit(client, someone, review["id"], score=5)) == (403, "forbidden")
    assert await error(await _edit(client, None, review["id"], score=5)) == (401, "unauthorized")
    assert (await _read(client, review["id"]))["score"] == 2


async def test_a_hosts_review_of_a_driver_is_hidden_from_strangers_who_try_to_edit_it(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.host, booked.booking_id, score=2)
    stranger = await actor(client, "stranger@example.org", host=True)

    assert await error(await _edit(client, stranger, review["id"], score=5)) == (404, "not_found")
    assert await error(await _edit(client, booked.driver, review["id"], score=5)) == (403, "forbidden")


async def test_the_host_edits_their_review_of_the_driver(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.host, booked.booking_id, score=2)

    response = await _edit(client, booked.host, review["id"], score=4, comment="Apologised, fine.")

    assert response.status == 200
    assert ((await response.json())["score"], (await response.json())["comment"]) == (4, "Apologised, fine.")


async def test_a_bad_edit_changes_nothing(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=2, comment="Slow.")

    for body in ({"score": 9}, {"score": 4, "checkin_status": 12345}, {"comment": "no score"}):
        assert (await _edit(client, booked.driver, review["id"], **body)).status == 400
    assert await error(await _edit(client, booked.driver, 999_999, score=4)) == (404, "not_found")
    assert ((await _read(client, review["id"]))["score"], (await _read(client, review["id"]))["comment"]) == (
        2,
        "Slow.",
    )

"""Only the two parties of a fulfilled booking review it, each once, with a verified address and a valid body."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.reviews.tables import Review
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import actor
from tests.hub.charging.helpers import reserved
from tests.hub.reviews.helpers import error, post_review, reviewed, stay
from tests.hub.trust.helpers import verify, with_status


async def _reviews(client: Any) -> int:
    async with client.server.app[HUB].db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Review)) or 0)


async def _notices(client: Any, user_id: int) -> list[tuple[str, str | None]]:
    async with client.server.app[HUB].db.read() as session:
        rows = await session.execute(
            select(Notification.kind, Notification.link).where(Notification.user_id == user_id)
        )
        return [(kind, link) for kind, link in rows]


async def test_the_driver_rates_the_charger_and_its_host_and_the_host_is_told(client: Any) -> None:
    booked = await stay(client)

    review = await reviewed(
        client, booked.driver, booked.booking_id, score=4, host_score=5, comment=" Easy to find. ", checkin_status=10
    )

    assert review | {"id": 0, "created_at": "", "updated_at": "", "editable_until": ""} == {
        "id": 0,
        "location_id": booked.listing_id,
        "author": {"name": "dario"},
        "author_role": "DRIVER",
        "score": 4,
        "host_score": 5,
        "comment": "Easy to find.",
        "checkin": {"id": 10, "title": "Charged Successfully", "positive": True},
        "created_at": "",
        "updated_at": "",
        "editable_until": "",
        "reply": None,
    }
    assert await _notices(client, booked.host.user_id) == [("review.received", f"/reviews/{review['id']}")]


async def test_the_host_rates_the_driver_and_the_driver_is_told(client: Any) -> None:
    booked = await stay(client)

    review = await reviewed(client, booked.host, booked.booking_id, score=5, comment="Punctual.")

    assert (review["author_role"], review["score"], review["host_score"], review["checkin"]) == ("HOST", 5, None, None)
    assert await _notices(client, booked.driver.user_id) == [("review.received", f"/reviews/{review['id']}")]


async def test_a_booking_that_does_not_exist_cannot_be_reviewed(client: Any) -> None:
    booked = await stay(client)

    assert await error(await post_review(client, booked.driver, "no-such-booking", score=5)) == (404, "not_found")


async def test_someone_elses_booking_looks_like_no_booking(client: Any) -> None:
    booked = await stay(client)
    other_driver = await actor(client, "other@example.org")
    other_host = await actor(client, "otherhost@example.org", host=True)
    await verify(client, other_driver, other_host)

    for stranger in (other_driver, other_host):
        assert await error(await post_review(client, stranger, booked.booking_id, score=1)) == (404, "not_found")
    assert await _reviews(client) == 0


async def test_an_admin_is_no_party_to_a_booking(client: Any) -> None:
    booked = await stay(client)
    admin = await actor(client, "admin@example.org", admin=True)
    await verify(client, admin)

    assert await error(await post_review(client, admin, booked.booking_id, score=1)) == (403, "forbidden")


async def test_reviewing_needs_a_signed_in_account_with_the_bookings_scope(client: Any) -> None:
    booked = await stay(client)
    scoped = await actor(client, "scripts@example.org", scopes=frozenset({"account"}))

    anonymous = await client.post(f"/api/v1/bookings/{booked.booking_id}/reviews", json={"score": 5})
    without_scope = await post_review(client, scoped, booked.booking_id, score=5)

    assert await error(anonymous) == (401, "unauthorized")
    assert await error(without_scope) == (403, "insufficient_scope")


@pytest.mark.parametrize("status", ["PENDING", "RESERVED", "CANCELED", "NO_SHOW", "REJECTED"])
async def test_only_a_fulfilled_booking_is_reviewed(client: Any, status: str) -> None:
    booked = await stay(client)
    booking_id = await reserved(client, booked.driver, booked.listing_id, "NOT-YET")
    await with_status(client, booking_id, status)

    assert await error(await post_review(client, booked.driver, booking_id, score=5)) == (409, "not_fulfilled")
    assert await error(await post_review(client, booked.host, booking_id, score=5)) == (409, "not_fulfilled")


async def test_each_side_reviews_a_booking_once(client: Any) -> None:
    booked = await stay(client)
    await reviewed(client, booked.driver, booked.booking_id, score=5)
    await reviewed(client, booked.host, booked.booking_id, score=5)

    again_by_driver = await post_review(client, booked.driver, booked.booking_id, score=1)
    again_by_host = await post_review(client, booked.host, booked.booking_id, score=1)

    assert await error(again_by_driver) == (409, "already_reviewed")
    assert await error(again_by_host) == (409, "already_reviewed")
    assert await _reviews(client) == 2


async def test_an_unverified_address_writes_no_review(client: Any) -> None:
    booked = await stay(client, verified=False)

    response = await post_review(client, booked.driver, booked.booking_id, score=5)

    assert await error(response) == (403, "email_unverified")
    assert await _reviews(client) == 0
    assert await _notices(client, booked.host.user_id) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"score": 0}, "score"),
        ({"score": 6}, "score"),
        ({"score": 4.5}, "score"),
        ({"score": "5"}, "score"),
        ({}, "score"),
        ({"score": 5, "host_score": 0}, "host_score"),
        ({"score": 5, "comment": "x" * 2001}, "comment"),
        ({"score": 5, "checkin_status": 999}, "checkin_status"),
        ({"score": 5, "checkin_status": 15}, "checkin_status"),  # automated: not a driver's to give
        ({"score": 5, "checkin_status": "10"}, "checkin_status"),
        ({"score": 5, "stars": 5}, "stars"),
    ],
)
async def test_a_bad_driver_review_is_refused_naming_the_field(client: Any, body: dict[str, Any], field: str) -> None:
    booked = await stay(client)

    response = await post_review(client, booked.driver, booked.booking_id, **body)

    assert response.status == 400
    assert (await response.json())["error"]["field"] == field
    assert await _reviews(client) == 0


@pytest.mark.parametrize("field", ["host_score", "checkin_status"])
async def test_a_host_gives_neither_a_host_score_nor_a_check_in(client: Any, field: str) -> None:
    booked = await stay(client)

    response = await post_review(client, booked.host, booked.booking_id, score=5, **{field: 10})

    assert response.status == 400
    assert (await response.json())["error"]["field"] == field


async def test_a_comment_of_only_spaces_is_no_comment(client: Any) -> None:
    booked = await stay(client)

    review = await reviewed(client, booked.driver, booked.booking_id, score=3, comment="   ")

    assert review["comment"] is None


async def test_the_check_in_outcomes_are_open_charge_maps(client: Any) -> None:
    response = await client.get("/api/v1/checkin-statuses")

    statuses = (await response.json())["checkin_statuses"]
    assert statuses[:2] == [
        {"id": 0, "title": "Did Not Visit", "positive": False},
        {"id": 10, "title": "Charged Successfully", "positive": True},
    ]
    assert 15 not in [status["id"] for status in statuses]
    assert [status["id"] for status in statuses if status["positive"]] == [10, 100, 140, 210]

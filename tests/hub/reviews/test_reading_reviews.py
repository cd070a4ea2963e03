"""Drivers' reviews are public with their listing, in pages; hosts' reviews of a driver are for the driver and
for the hosts the driver books (or asks to book) with."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import update

from chargeshare_hub.reviews.tables import Review
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Actor, Clock, actor
from tests.hub.charging.helpers import charger, reserved
from tests.hub.reviews.helpers import another_stay, error, reviewed, stay
from tests.hub.trust.helpers import with_status


async def _page(client: Any, path: str, viewer: Actor | None = None) -> Any:
    return await client.get(path, headers={} if viewer is None else viewer.headers)


async def test_anyone_reads_a_published_listings_reviews_newest_first_in_pages(client: Any, clock: Clock) -> None:
    first = await stay(client)
    await reviewed(client, first.driver, first.booking_id, score=5, comment="one")
    for number in range(2, 5):
        clock.advance(hours=1)
        later = await another_stay(client, first, f"driver{number}@example.org", f"TAG{number}")
        await reviewed(client, later.driver, later.booking_id, score=5, comment=f"{number}")
    await reviewed(client, first.host, first.booking_id, score=1, comment="a host's review: not the listing's")
    path = f"/api/v1/listings/{first.listing_id}/reviews?limit=3"

    page_one = await (await _page(client, path)).json()
    page_two = await (await _page(client, f"{path}&cursor={page_one['next']}")).json()

    assert [review["comment"] for review in page_one["reviews"]] == ["4", "3", "2"]
    assert [review["comment"] for review in page_two["reviews"]] == ["one"]
    assert page_two["next"] is None
    assert page_one["rating"] == page_two["rating"] == {"score": 5, "count": 4}


async def test_a_listing_without_reviews_has_no_score(client: Any) -> None:
    booked = await stay(client)

    page = await (await _page(client, f"/api/v1/listings/{booked.listing_id}/reviews")).json()

    assert page == {"rating": None, "reviews": [], "next": None}


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "limit=x", "cursor=abc", "cursor=-1"])
async def test_bad_paging_is_refused(client: Any, query: str) -> None:
    booked = await stay(client)

    response = await _page(client, f"/api/v1/listings/{booked.listing_id}/reviews?{query}")

    assert response.status == 400
    assert (await response.json())["error"]["field"] == query.split("=", maxsplit=1)[0]


async def test_reviews_of_an_unknown_listing_are_not_found(client: Any) -> None:
    assert await error(await _page(client, "/api/v1/listings/nowhere/reviews")) == (404, "not_found")


async def test_a_drivers_review_is_public_and_a_hosts_review_is_not(client: Any) -> None:
    booked = await stay(client)
    by_driver = await reviewed(client, booked.driver, booked.booking_id, score=4)
    by_host = await reviewed(client, booked.host, booked.booking_id, score=2)
    stranger = await actor(client, "stranger@example.org", host=True)

    assert (await _page(client, f"/api/v1/reviews/{by_driver['id']}")).status == 200
    assert await error(await _page(client, f"/api/v1/reviews/{by_host['id']}")) == (404, "not_found")
    assert await error(await _page(client, f"/api/v1/reviews/{by_host['id']}", stranger)) == (404, "not_found")
    assert (await _page(client, f"/api/v1/reviews/{by_host['id']}", booked.driver)).status == 200
    assert (await _page(client, f"/api/v1/reviews/{by_host['id']}", booked.host)).status == 200


async def test_a_driver_reads_the_hosts_reviews_of_them(client: Any) -> None:
    booked = await stay(client)
    await reviewed(client, booked.host, booked.booking_id, score=4, comment="Left it tidy.")

    response = await _page(client, f"/api/v1/drivers/{booked.driver.user_id}/reviews", booked.driver)

    page = await response.json()
    assert page["rating"] == {"score": 4, "count": 1}
    assert [(review["author"], review["comment"]) for review in page["reviews"]] == [
        ({"name": "hanna"}, "Left it tidy.")
    ]


@pytest.mark.parametrize("status", ["PENDING", "REJECTED", "CANCELED"])
async def test_a_host_the_driver_asks_to_book_with_reads_the_drivers_reviews(client: Any, status: str) -> None:
    booked = await stay(client)
    await reviewed(client, booked.host, booked.booking_id, score=4)
    next_host = await actor(client, "next@example.org", host=True)
    next_listing = await charger(client, next_host, name="Next charger")
    path = f"/api/v1/drivers/{booked.driver.user_id}/reviews"
    before = await _page(client, path, next_host)

    await with_status(client, await reserved(client, booked.driver, next_listing, "ASKING"), status)

    assert await error(before) == (404, "not_found")
    assert (await (await _page(client, path, next_host)).json())["rating"] == {"score": 4, "count": 1}


async def test_other_drivers_and_anonymous_callers_do_not_read_a_drivers_reviews(client: Any) -> None:
    booked = await stay(client)
    await reviewed(client, booked.host, booked.booking_id, score=4)
    other_driver = await actor(client, "other@example.org")
    admin = await actor(client, "admin@example.org", admin=True)
    path = f"/api/v1/drivers/{booked.driver.user_id}/reviews"

    assert await error(await _page(client, path, other_driver)) == (404, "not_found")
    assert await error(await _page(client, path)) == (401, "unauthorized")
    assert (await _page(client, path, admin)).status == 200
    assert await error(await _page(client, "/api/v1/drivers/999999/reviews", admin)) == (404, "not_found")
    assert await error(await _page(client, "/api/v1/drivers/me/reviews", admin)) == (400, "invalid")


async def test_a_review_outlives_its_authors_account(client: Any) -> None:
    booked = await stay(client)
    review = await reviewed(client, booked.driver, booked.booking_id, score=4)
    async with client.server.app[HUB].db.write() as session:
        await session.execute(update(Review).where(Review.id == review["id"]).values(author_id=None))

    page = await (await _page(client, f"/api/v1/listings/{booked.listing_id}/reviews")).json()

    assert [(review["author"], review["score"]) for review in page["reviews"]] == [(None, 4)]

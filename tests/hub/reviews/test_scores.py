"""Scores are recency-weighted means: a review's weight halves every 180 days. The listing's score is written to
search with the review; the host's shows with their listings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chargeshare_hub.reviews.scores import HALF_LIFE, Rating, recency_weighted
from tests.hub.bookings.helpers import Clock
from tests.hub.reviews.helpers import another_stay, reviewed, stay

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def test_reviews_of_one_age_weigh_the_same() -> None:
    assert recency_weighted([(5, NOW), (2, NOW), (2, NOW)]) == Rating(3, 3)


def test_a_review_half_life_older_weighs_half() -> None:
    rating = recency_weighted([(5, NOW), (2, NOW - HALF_LIFE)])

    assert rating is not None
    assert rating.score == pytest.approx((5 * 1 + 2 * 0.5) / 1.5)


def test_the_score_does_not_drift_as_time_passes() -> None:
    """Only the reviews' ages relative to each other count, so a stored score stays true."""
    old = recency_weighted([(5, NOW - timedelta(days=400)), (1, NOW - timedelta(days=20))])
    shifted = recency_weighted([(5, NOW + timedelta(days=600)), (1, NOW + timedelta(days=980))])

    assert old is not None
    assert shifted is not None
    assert old.score == pytest.approx(shifted.score)


def test_no_reviews_no_score() -> None:
    assert recency_weighted([]) is None


def test_the_score_stays_within_one_to_five() -> None:
    rating = recency_weighted([(5, NOW - timedelta(days=day)) for day in range(0, 3000, 7)])

    assert rating is not None
    assert rating.score <= 5


async def _search_rating(client: Any) -> Any:
    response = await client.get("/api/v1/search?lat=50.93&lon=6.96&radius_km=5")
    return (await response.json())["results"][0]["rating"]


async def test_the_listings_recency_weighted_score_goes_to_search_with_the_review(client: Any, clock: Clock) -> None:
    first = await stay(client)
    second = await another_stay(client, first, "later@example.org", "LATER")
    clock.advance(days=-180)
    await reviewed(client, first.driver, first.booking_id, score=2)
    clock.advance(days=180)

    await reviewed(client, second.driver, second.booking_id, score=5)

    assert await _search_rating(client) == {"score": 4, "count": 2}  # (2 * 0.5 + 5 * 1) / 1.5


async def test_the_hosts_score_shows_with_their_listing(client: Any, clock: Clock) -> None:
    first = await stay(client)
    second = await another_stay(client, first, "later@example.org", "LATER")
    await reviewed(client, first.driver, first.booking_id, score=5, host_score=2)
    await reviewed(client, second.driver, second.booking_id, score=5)  # no host score: counts for the charger only
    await reviewed(client, first.host, first.booking_id, score=1)  # the host's review of a driver: not theirs

    listing = await (await client.get(f"/api/v1/listings/{first.listing_id}")).json()

    assert listing["host"] == {"name": "hanna", "verified": False, "rating": {"score": 2, "count": 1}}

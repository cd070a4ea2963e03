"""Scores from reviews, weighted by recency: a review's weight halves every `HALF_LIFE` (180 days).

The weighted mean is sum(score * w) / sum(w) with w = 0.5 ** (age / HALF_LIFE). Ages are measured from the
newest review rather than from today: moving the reference moment multiplies every weight by the same factor,
which cancels, so a stored score stays right as time passes and changes only when a review is written or
edited. A review counts from when it was written (`created_at`); an edit, within 14 days, does not renew it.

A listing's score is its drivers' charger scores, kept in the search read model in the transaction that
changed a review; a host's score is drivers' host scores over all the host's listings; a driver's score is
hosts' scores of them. The last two are read when shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import QueryableAttribute

from ..search.read_model import MAX_SCORE, MIN_SCORE, set_rating
from .tables import Review

HALF_LIFE = timedelta(days=180)
DRIVER, HOST = "DRIVER", "HOST"  # who wrote a review


@dataclass(frozen=True, slots=True)
class Rating:
    score: float
    count: int


def recency_weighted(points: Iterable[tuple[int, datetime]]) -> Rating | None:
    """The recency-weighted mean of (score, written at) points; None without any."""
    scored = list(points)
    if not scored:
        return None
    newest = max(at for _, at in scored)
    weights = [0.5 ** ((newest - at) / HALF_LIFE) for _, at in scored]
    mean = sum(weight * score for weight, (score, _) in zip(weights, scored, strict=True)) / sum(weights)
    # Float sums may stray past the ends by a rounding error.
    return Rating(min(MAX_SCORE, max(MIN_SCORE, mean)), len(scored))


def rating_json(rating: Rating | None) -> dict[str, float | int] | None:
    return None if rating is None else {"score": round(rating.score, 2), "count": rating.count}


async def _rating(session: AsyncSession, score: QueryableAttribute[Any], *where: ColumnElement[bool]) -> Rating | None:
    rows = await session.execute(select(score, Review.created_at).where(*where))
    return recency_weighted((value, at) for value, at in rows if value is not None)


async def listing_rating(session: AsyncSession, location_id: str) -> Rating | None:
    return await _rating(session, Review.score, Review.location_id == location_id, Review.author_role == DRIVER)


async def host_rating(session: AsyncSession, host_id: int) -> Rating | None:
    return await _rating(session, Review.host_score, Review.subject_id == host_id, Review.author_role == DRIVER)


async def driver_rating(session: AsyncSession, driver_id: int) -> Rating | None:
    return await _rating(session, Review.score, Review.subject_id == driver_id, Review.author_role == HOST)


async def refresh_listing_rating(session: AsyncSession, location_id: str) -> None:
    """Writes the listing's score to the search read model, in `session`'s transaction."""
    rating = await listing_rating(session, location_id)
    if rating is None:
        await set_rating(session, location_id, None, 0)
    else:
        await set_rating(session, location_id, rating.score, rating.count)

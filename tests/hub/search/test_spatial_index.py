"""The spatial index never loses a listing: searches agree with a brute-force great-circle check."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
import math
import random

import pytest
from sqlalchemy import select

from chargeshare_hub.db.engine import Database
from chargeshare_hub.search import spatial
from chargeshare_hub.search.query import SearchQuery
from chargeshare_hub.search.service import find
from chargeshare_hub.search.tables import SearchEntry
from chargeshare_hub.seed import seed_hosts
from chargeshare_hub.seed.towns import jittered, pick, towns

SEEDED = datetime(2026, 1, 1, tzinfo=UTC)


def _rng(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (reproducible made-up data)


async def _everything(db: Database, query: SearchQuery) -> list[str]:
    """Every page of the search, as an owner of nothing sees it (the seed publishes most listings)."""
    found: list[str] = []
    async with db.read() as session:
        while True:
            page = await find(session, None, query, now=SEEDED)  # while the seeded listings are not stale
            found += [result.location_id for result in page.results]
            if page.next_offset is None:
                return found
            query = replace(query, offset=page.next_offset)


@pytest.fixture
async def points(db: Database) -> list[tuple[str, float, float]]:
    await seed_hosts(db, 400, seed=21, countries=("NL", "BE", "LU"), clock=lambda: SEEDED)
    async with db.read() as session:
        rows = await session.execute(
            select(SearchEntry.location_id, SearchEntry.latitude, SearchEntry.longitude).where(
                SearchEntry.publish.is_(True)
            )
        )
        return [(location_id, latitude, longitude) for location_id, latitude, longitude in rows]


@pytest.mark.parametrize("limit", [100, 7])  # small pages: circles smaller than the radius hold them
async def test_radius_searches_find_exactly_the_listings_within_the_great_circle_distance(
    db: Database, points: list[tuple[str, float, float]], limit: int
) -> None:
    rng = _rng(5)
    for town in pick(rng, towns(("NL", "BE")), 12):
        lat, lon = jittered(rng, town)
        for radius_m in (2_000.0, 5_000.0, 25_000.0):
            query = SearchQuery(point=(lat, lon), radius_m=radius_m, limit=limit)
            expected = sorted(
                (spatial.haversine_m(lat, lon, p_lat, p_lon), location_id)
                for location_id, p_lat, p_lon in points
                if spatial.haversine_m(lat, lon, p_lat, p_lon) <= radius_m
            )

            assert await _everything(db, query) == [location_id for _, location_id in expected]


async def test_box_searches_find_exactly_the_listings_inside(
    db: Database, points: list[tuple[str, float, float]]
) -> None:
    rng = _rng(6)
    for _ in range(12):
        min_lat, min_lon = rng.uniform(49.5, 53), rng.uniform(3, 7)
        box = spatial.Box(min_lat, min_lat + rng.uniform(0.05, 1), min_lon, min_lon + rng.uniform(0.05, 1))
        query = SearchQuery(box=box, sort="price", limit=100)
        expected = {
            location_id
            for location_id, lat, lon in points
            if box.min_lat <= lat <= box.max_lat and box.min_lon <= lon <= box.max_lon
        }

        found = await _everything(db, query)

        assert sorted(found) == sorted(expected)
        assert len(found) == len(set(found))


def test_a_stored_point_box_holds_the_exact_point_despite_32_bit_floats() -> None:
    rng = _rng(7)
    for _ in range(10_000):
        lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        row = spatial.rtree_row(1, lat, lon)
        assert row["min_lat"] <= lat <= row["max_lat"]
        assert row["min_lon"] <= lon <= row["max_lon"]
        assert row["max_lat"] - row["min_lat"] < 1e-5


def test_the_box_around_a_circle_holds_every_point_of_the_circle() -> None:
    for lat in (0.0, 45.0, 60.0, 70.0, -55.0):
        box = spatial.box_around(lat, 10.0, 100_000)
        for bearing in range(0, 360, 5):
            point = _destination(lat, 10.0, math.radians(bearing), 99_999)
            assert box.min_lat <= point[0] <= box.max_lat
            assert box.min_lon <= point[1] <= box.max_lon


def test_the_circle_around_a_box_holds_its_corners() -> None:
    box = spatial.Box(50.0, 52.5, 4.0, 9.0)
    lat, lon, radius = spatial.circle_around_box(box)

    for corner in ((50.0, 4.0), (50.0, 9.0), (52.5, 4.0), (52.5, 9.0), (52.5, 6.5)):
        assert spatial.haversine_m(lat, lon, *corner) < radius


def _destination(lat: float, lon: float, bearing: float, distance_m: float) -> tuple[float, float]:
    angle, phi, lam = distance_m / spatial.EARTH_RADIUS_M, math.radians(lat), math.radians(lon)
    phi2 = math.asin(math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(bearing))
    lam2 = lam + math.atan2(
        math.sin(bearing) * math.sin(angle) * math.cos(phi), math.cos(angle) - math.sin(phi) * math.sin(phi2)
    )
    return math.degrees(phi2), math.degrees(lam2)

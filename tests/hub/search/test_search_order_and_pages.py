"""Sort orders, and pages that together give every result exactly once."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.search.read_model import set_rating
from chargeshare_hub.web.context import HUB
from tests.hub.search.conftest import CENTRE, Town, names, search

AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=100"


async def _rate(client: Any, town: Town, ratings: dict[str, tuple[float, int]]) -> None:
    async with client.server.app[HUB].db.write() as session:
        for name, (score, count) in ratings.items():
            await set_rating(session, town.ids[name], score, count)


async def test_by_distance_nearest_first(client: Any, town: Town) -> None:
    page = await search(client, AROUND)

    assert [result["name"] for result in page["results"]] == [
        "centre", "south 2 km", "west 3 km", "north 4.9 km", "east 5.1 km", "north-east 24 km", "south 30 km",
    ]  # fmt: skip
    assert [result["distance_m"] for result in page["results"]][:2] == [0, 2000]


async def test_by_price_cheapest_first_unpriced_last_then_nearest(client: Any, town: Town) -> None:
    assert await names(client, f"{AROUND}&sort=price") == [
        "centre", "east 5.1 km", "north-east 24 km", "west 3 km", "north 4.9 km", "south 2 km", "south 30 km",
    ]  # fmt: skip


async def test_by_rating_best_first_more_reviews_winning_a_tie_unrated_last(client: Any, town: Town) -> None:
    await _rate(client, town, {"south 30 km": (4.8, 10), "west 3 km": (4.2, 3), "east 5.1 km": (4.2, 9)})

    found = await names(client, f"{AROUND}&sort=rating")

    assert found[:3] == ["south 30 km", "east 5.1 km", "west 3 km"]
    assert found[3:] == ["centre", "south 2 km", "north 4.9 km", "north-east 24 km"]


async def test_min_rating_keeps_listings_rated_at_least_that(client: Any, town: Town) -> None:
    await _rate(client, town, {"south 30 km": (4.8, 10), "west 3 km": (4.2, 3)})

    assert await names(client, f"{AROUND}&min_rating=4.5") == ["south 30 km"]


@pytest.mark.parametrize("sort", ["distance", "price", "rating"])
async def test_pages_cover_every_result_exactly_once(client: Any, town: Town, sort: str) -> None:
    await _rate(client, town, {"west 3 km": (3.0, 1)})
    everything = await names(client, f"{AROUND}&sort={sort}&limit=100")
    seen: list[str] = []
    query = f"{AROUND}&sort={sort}&limit=2"
    cursor = None
    pages = 0
    while True:
        page = await search(client, query + (f"&cursor={cursor}" if cursor else ""))
        seen += [result["name"] for result in page["results"]]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            break

    assert seen == everything
    assert len(seen) == 7
    assert pages == 4


async def test_a_cursor_only_continues_the_search_it_came_from(client: Any, town: Town) -> None:
    first = await search(client, f"{AROUND}&limit=2")

    other_search = await client.get(f"/api/v1/search?{AROUND}&limit=2&standard=CHADEMO&cursor={first['next']}")
    made_up = await client.get(f"/api/v1/search?{AROUND}&limit=2&cursor=eyJvZmZzZXQiOi0xfQ")

    for response in (other_search, made_up):
        assert response.status == 400
        assert (await response.json())["error"]["field"] == "cursor"

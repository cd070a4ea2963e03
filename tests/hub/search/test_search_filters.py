"""Each filter keeps exactly the listings it names: a table of queries over the hand-placed town."""

from __future__ import annotations

from typing import Any

import pytest

from tests.hub.search.conftest import CENTRE, Town, names, offset

AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}"
NE_24 = offset(17000, 17000)

CASES = [
    # radius: the exact great-circle distance decides, both ways of a 5 km boundary
    (f"{AROUND}&radius_km=5", ["centre", "south 2 km", "west 3 km", "north 4.9 km"]),
    (f"{AROUND}&radius_km=5.2", ["centre", "south 2 km", "west 3 km", "north 4.9 km", "east 5.1 km"]),
    (f"{AROUND}&radius_km=1.9", ["centre"]),
    (f"{AROUND}&radius_km=25", ["centre", "south 2 km", "west 3 km", "north 4.9 km", "east 5.1 km",
                                "north-east 24 km"]),
    (f"{AROUND}&radius_km=100", ["centre", "south 2 km", "west 3 km", "north 4.9 km", "east 5.1 km",
                                 "north-east 24 km", "south 30 km"]),
    # standard and power, on the same connector
    (f"{AROUND}&radius_km=25&standard=IEC_62196_T2&min_power_kw=22",
     ["north 4.9 km", "north-east 24 km"]),
    (f"{AROUND}&radius_km=25&min_power_kw=22", ["west 3 km", "north 4.9 km", "north-east 24 km"]),
    (f"{AROUND}&radius_km=25&standard=DOMESTIC_F", ["south 2 km"]),
    (f"{AROUND}&radius_km=25&standard=DOMESTIC_F&standard=CHADEMO", ["south 2 km", "west 3 km"]),
    (f"{AROUND}&radius_km=25&standard=CHADEMO&min_power_kw=50.1", []),
    # price: per kWh in minor units, in the currency asked for; unpriced listings never match
    (f"{AROUND}&radius_km=25&max_price=20&currency=EUR", ["centre", "east 5.1 km", "north-east 24 km"]),
    (f"{AROUND}&radius_km=25&max_price=45&currency=EUR",
     ["centre", "west 3 km", "north 4.9 km", "east 5.1 km", "north-east 24 km"]),
    (f"{AROUND}&radius_km=25&max_price=100&currency=CHF", []),
    # green energy
    (f"{AROUND}&radius_km=100&green=true", ["centre", "north-east 24 km"]),
    # bbox edges are inside (north 4.9 km lies on the west edge, east 5.1 km on the south edge); just past, out
    (f"bbox={CENTRE[1]},{CENTRE[0]},{NE_24[1]:.6f},{NE_24[0]:.6f}",
     ["centre", "north 4.9 km", "east 5.1 km", "north-east 24 km"]),
    (f"bbox={CENTRE[1] + 0.000001},{CENTRE[0]},{NE_24[1]:.6f},{NE_24[0]:.6f}", ["east 5.1 km", "north-east 24 km"]),
    (f"bbox={CENTRE[1]},{CENTRE[0] + 0.000001},{NE_24[1]:.6f},{NE_24[0]:.6f}", ["north 4.9 km", "north-east 24 km"]),
    (f"bbox={CENTRE[1]},{CENTRE[0]},{NE_24[1]:.6f},{float(f'{NE_24[0]:.6f}') - 0.000001:.6f}",
     ["centre", "north 4.9 km", "east 5.1 km"]),
    (f"bbox={CENTRE[1] - 0.5},{CENTRE[0] - 0.01},{CENTRE[1] + 0.5},{CENTRE[0] + 0.01}",
     ["centre", "east 5.1 km", "west 3 km"]),
]  # fmt: skip


@pytest.mark.parametrize(("query", "expected"), CASES)
async def test_a_filter_keeps_exactly_the_listings_it_names(
    client: Any, town: Town, query: str, expected: list[str]
) -> None:
    found = await names(client, query + "&limit=100")

    assert sorted(found) == sorted(expected)


async def test_filters_combine(client: Any, town: Town) -> None:
    query = f"{AROUND}&radius_km=25&standard=IEC_62196_T2&min_power_kw=11&max_price=20&currency=EUR&green=true"

    assert await names(client, query) == ["centre", "north-east 24 km"]

"""A listing's price in search follows its tariffs: changing a tariff re-prices every listing naming it."""

from __future__ import annotations

from typing import Any

from tests.hub.listings.helpers import create, signed_in
from tests.hub.search.conftest import CENTRE, T2_11KW, add_tariff, connector, listing, search, tariff

AROUND = f"lat={CENTRE[0]}&lon={CENTRE[1]}&radius_km=10"


async def test_changing_a_tariff_reprices_the_listings_naming_it(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await add_tariff(client, tariff("standard", 0.30))
    await create(client, listing("one", CENTRE, [connector(*T2_11KW, "standard")]))
    await create(client, listing("two", CENTRE, [connector(*T2_11KW, "standard")]))

    replaced = await client.put("/api/v1/tariffs/standard", json=tariff("standard", 0.25, "CHF"))

    assert replaced.status == 200
    results = (await search(client, AROUND))["results"]
    assert [result["price"] for result in results] == [{"per_kwh": 25, "currency": "CHF"}] * 2
    assert (await search(client, f"{AROUND}&max_price=29&currency=CHF"))["results"] != []
    assert (await search(client, f"{AROUND}&max_price=29&currency=EUR"))["results"] == []


async def test_the_cheapest_tariff_a_listing_names_is_its_price(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await add_tariff(client, tariff("day", 0.40))
    await add_tariff(client, tariff("guests", 0.18))
    await create(client, listing("two tariffs", CENTRE, [connector(*T2_11KW, "day")], [connector(*T2_11KW, "guests")]))

    result = (await search(client, AROUND))["results"][0]

    assert result["price"] == {"per_kwh": 18, "currency": "EUR"}


async def test_a_listing_without_a_tariff_has_no_price(client: Any) -> None:
    await signed_in(client, "host@example.org", host=True)
    await create(client, listing("unpriced", CENTRE, [connector(*T2_11KW)]))

    result = (await search(client, AROUND))["results"][0]

    assert result["price"] is None
    assert result["standards"] == ["IEC_62196_T2"]
    assert result["max_power"] == 11_040
    assert result["evse_statuses"] == {"AVAILABLE": 1}

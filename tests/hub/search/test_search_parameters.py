"""A wrong search parameter is refused with a 400 naming it."""

from __future__ import annotations

from typing import Any

import pytest

AROUND = "lat=52.52&lon=13.405&radius_km=5"

CASES = [
    ("", "lat"),
    ("lat=52.5", "lon"),
    ("lat=52.5&lon=13.4", "radius_km"),
    ("lat=91&lon=13.4&radius_km=5", "lat"),
    ("lat=north&lon=13.4&radius_km=5", "lat"),
    ("lat=52.5&lon=181&radius_km=5", "lon"),
    ("lat=52.5&lon=13.4&radius_km=0", "radius_km"),
    ("lat=52.5&lon=13.4&radius_km=100.5", "radius_km"),
    ("lat=52.5&lon=13.4&radius_km=nan", "radius_km"),
    ("bbox=13,52,14", "bbox"),
    ("bbox=14,52,13,53", "bbox"),
    ("bbox=13,53,14,52", "bbox"),
    ("bbox=0,40,20,45", "bbox"),
    ("bbox=13,52,14,53&lat=52.5", "lat"),
    ("bbox=13,52,14,53&sort=distance", "sort"),
    (f"{AROUND}&standard=TYPE_2", "standard"),
    (f"{AROUND}&min_power_kw=0", "min_power_kw"),
    (f"{AROUND}&max_price=30", "currency"),
    (f"{AROUND}&max_price=-1&currency=EUR", "max_price"),
    (f"{AROUND}&max_price=30&currency=EURO", "currency"),
    (f"{AROUND}&free_from=2030-01-01T10:00:00Z", "free_until"),
    (f"{AROUND}&free_from=2030-01-01T10:00:00&free_until=2030-01-01T12:00:00Z", "free_from"),
    (f"{AROUND}&free_from=2030-01-01T10:00:00Z&free_until=2030-01-01T09:00:00Z", "free_until"),
    (f"{AROUND}&free_from=2030-01-01T10:00:00Z&free_until=2030-02-01T10:00:00Z", "free_until"),
    (f"{AROUND}&min_rating=6", "min_rating"),
    (f"{AROUND}&green=yes", "green"),
    (f"{AROUND}&sort=cheapest", "sort"),
    (f"{AROUND}&limit=0", "limit"),
    (f"{AROUND}&limit=101", "limit"),
    (f"{AROUND}&cursor=not-ours", "cursor"),
    (f"{AROUND}&near=home", "near"),
    (f"{AROUND}&lat=52.6", "lat"),
]


@pytest.mark.parametrize(("query", "field"), CASES)
async def test_a_wrong_parameter_is_named_in_a_400(client: Any, query: str, field: str) -> None:
    response = await client.get(f"/api/v1/search?{query}")

    assert response.status == 400
    error = (await response.json())["error"]
    assert error["field"] == field
    assert error["code"] == "invalid"


async def test_every_parameter_is_in_the_openapi_document(client: Any) -> None:
    document = await (await client.get("/api/v1/openapi.json")).json()

    declared = {p["name"] for p in document["paths"]["/api/v1/search"]["get"]["parameters"]}

    assert declared == {"lat", "lon", "radius_km", "bbox", "standard", "vehicle", "energy_kwh", "min_power_kw",
                        "max_price", "currency", "free_from", "free_until", "min_rating", "green", "sort", "limit",
                        "cursor"}  # fmt: skip
    assert "security" not in document["paths"]["/api/v1/search"]["get"]

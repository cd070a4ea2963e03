"""A small town of hand-placed listings around one point, and the helpers the search tests share."""

from __future__ import annotations

from dataclasses import dataclass
import math
from typing import Any

import pytest

from chargeshare_hub.search.spatial import EARTH_RADIUS_M
from tests.hub.listings.helpers import create, home_charger, sign_out, signed_in

CENTRE = (52.52, 13.405)  # Berlin, Alexanderplatz


def offset(north_m: float, east_m: float, origin: tuple[float, float] = CENTRE) -> tuple[float, float]:
    """The point `north_m` north and `east_m` east of `origin`, along a meridian and then a parallel."""
    lat = origin[0] + math.degrees(north_m / EARTH_RADIUS_M)
    lon = origin[1] + math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat, lon


def connector(standard: str, power_type: str, volts: int, amps: int, *tariffs: str, **extra: Any) -> dict[str, Any]:
    fmt = "CABLE" if standard in {"CHADEMO", "IEC_62196_T2_COMBO"} else "SOCKET"
    return {"id": "1", "standard": standard, "format": fmt, "power_type": power_type, "max_voltage": volts,
            "max_amperage": amps, "tariff_ids": list(tariffs), **extra}  # fmt: skip


T2_11KW = ("IEC_62196_T2", "AC_3_PHASE", 230, 16)
T2_22KW = ("IEC_62196_T2", "AC_3_PHASE", 230, 32)
T2_3KW = ("IEC_62196_T2", "AC_1_PHASE", 230, 16)
SCHUKO = ("DOMESTIC_F", "AC_1_PHASE", 230, 10)
CHADEMO_50KW = ("CHADEMO", "DC", 500, 100)


def listing(name: str, at: tuple[float, float], *evses: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    """A listing named `name` at `at`, with one EVSE per list of connectors."""
    return home_charger(
        name=name,
        coordinates={"latitude": f"{at[0]:.6f}", "longitude": f"{at[1]:.6f}"},
        evses=[
            {"uid": f"evse-{index}", "status": "AVAILABLE",
             "connectors": [{**c, "id": str(n + 1)} for n, c in enumerate(connectors)]}
            for index, connectors in enumerate(evses)
        ],
        **changes,
    )  # fmt: skip


def tariff(tariff_id: str, per_kwh: float, currency: str = "EUR") -> dict[str, Any]:
    return {
        "id": tariff_id,
        "currency": currency,
        "elements": [{"price_components": [{"type": "ENERGY", "price": per_kwh, "step_size": 1}]}],
    }


async def add_tariff(client: Any, document: dict[str, Any]) -> None:
    response = await client.post("/api/v1/tariffs", json=document)
    assert response.status == 201, await response.text()


async def search(client: Any, query: str) -> dict[str, Any]:
    response = await client.get(f"/api/v1/search?{query}")
    assert response.status == 200, await response.text()
    page: dict[str, Any] = await response.json()
    return page


async def names(client: Any, query: str) -> list[str]:
    return [result["name"] for result in (await search(client, query))["results"]]


@dataclass
class Town:
    ids: dict[str, str]  # listing name -> location id
    host_email: str


@pytest.fixture
async def town(client: Any) -> Town:
    """Published listings around CENTRE (distances in the names), by one host, then signed out."""
    await signed_in(client, "host@example.org", host=True)
    await add_tariff(client, tariff("cheap", 0.20))
    await add_tariff(client, tariff("dear", 0.45))
    places = [
        listing("centre", CENTRE, [connector(*T2_11KW, "cheap")], energy_mix={"is_green_energy": True}),
        listing("north 4.9 km", offset(4900, 0), [connector(*T2_22KW, "dear")]),
        listing("east 5.1 km", offset(0, 5100), [connector(*T2_11KW, "cheap")]),
        listing("south 2 km", offset(-2000, 0), [connector(*SCHUKO)], energy_mix={"is_green_energy": False}),
        # a slow Type 2 and a fast CHAdeMO: neither connector is a fast Type 2
        listing("west 3 km", offset(0, -3000), [connector(*T2_3KW, "dear")], [connector(*CHADEMO_50KW, "dear")]),
        listing("north-east 24 km", offset(17000, 17000), [connector(*T2_22KW, "cheap")],
                energy_mix={"is_green_energy": True}),
        listing("south 30 km", offset(-30000, 0), [connector(*T2_11KW)]),
    ]  # fmt: skip
    ids = {place["name"]: (await create(client, place))["id"] for place in places}
    await sign_out(client)
    return Town(ids, "host@example.org")

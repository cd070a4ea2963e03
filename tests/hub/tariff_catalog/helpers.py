"""Tariffs the tests send, and listings that name them."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.hub.listings.helpers import create, home_charger
from tests.hub.reference import OCPI_EXAMPLES as EXAMPLES


def per_kwh(price: float = 0.30, **changes: Any) -> dict[str, Any]:
    """A host's tariff as a form would send it: no id, no party."""
    tariff: dict[str, Any] = {
        "currency": "EUR",
        "elements": [{"price_components": [{"type": "ENERGY", "price": price, "vat": 19.0, "step_size": 1}]}],
    }
    tariff.update(copy.deepcopy(changes))
    return tariff


def example_tariff(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


async def create_tariff(client: Any, tariff: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/tariffs", json=tariff)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


def charger_with_tariffs(*tariff_ids: str, **changes: Any) -> dict[str, Any]:
    listing = home_charger(**changes)
    listing["evses"][0]["connectors"][0]["tariff_ids"] = list(tariff_ids)
    return listing


async def list_with_tariffs(client: Any, *tariff_ids: str, **changes: Any) -> dict[str, Any]:
    return await create(client, charger_with_tariffs(*tariff_ids, **changes))

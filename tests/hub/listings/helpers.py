"""Listings the tests send, and the accounts that send them."""

from __future__ import annotations

import copy
import json
from typing import Any

from chargeshare_hub.web.context import HUB
from tests.hub.conftest import register, sign_in
from tests.hub.reference import OCPI_EXAMPLES as EXAMPLES

HUB_OWNED = ("id", "country_code", "party_id", "last_updated")


def home_charger(**changes: Any) -> dict[str, Any]:
    listing: dict[str, Any] = {
        "publish": True,
        "name": "Driveway wallbox",
        "address": "Krautwigstraße 283A",
        "city": "Köln",
        "postal_code": "50931",
        "country": "DEU",
        "coordinates": {"latitude": "50.931826", "longitude": "6.964043"},
        "parking_type": "ON_DRIVEWAY",
        "time_zone": "Europe/Berlin",
        "evses": [
            {
                "uid": "wallbox-1",
                "status": "AVAILABLE",
                "connectors": [
                    {
                        "id": "1",
                        "standard": "IEC_62196_T2",
                        "format": "SOCKET",
                        "power_type": "AC_3_PHASE",
                        "max_voltage": 230,
                        "max_amperage": 16,
                    }
                ],
            }
        ],
        "access_instructions": "Gate code 1234.",
        "house_rules": "Please unplug when full.",
    }
    listing.update(copy.deepcopy(changes))
    return listing


def example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
    return document


async def signed_in(client: Any, email: str, *, host: bool = False) -> Any:
    """A new account, signed in on `client`; returns the account."""
    account = await register(client, email, host=host)
    await sign_in(client, email)
    return account


async def sign_out(client: Any) -> None:
    client.session.cookie_jar.clear()


async def make_admin(client: Any, email: str) -> None:
    await client.server.app[HUB].accounts.register(email, "correct horse battery", "Admin", admin=True)
    await sign_in(client, email)


async def create(client: Any, listing: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/v1/listings", json=listing)
    assert response.status == 201, await response.text()
    created: dict[str, Any] = await response.json()
    return created


def without(document: Any, keys: tuple[str, ...]) -> Any:
    """The document with `keys` removed at every depth."""
    if isinstance(document, dict):
        return {key: without(value, keys) for key, value in document.items() if key not in keys}
    if isinstance(document, list):
        return [without(item, keys) for item in document]
    return document

"""With the built-in provider, which takes no payment, a hub's wallets are topped up by its operator (an admin,
for money paid to them) unless the hub lets drivers top up themselves (demos and tests)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
import uuid

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.conftest import clocked_app

from .helpers import TOP_UPS


@pytest.fixture
async def operated(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    """A hub as configured by default."""
    return await aiohttp_client(clocked_app(replace(hub_config, wallet_top_ups="operator"), db, clock))


def _keyed(headers: dict[str, str]) -> dict[str, str]:
    return headers | {"Idempotency-Key": str(uuid.uuid4())}


async def test_a_driver_cannot_put_money_in_their_own_wallet(operated: Any) -> None:
    driver = await actor(operated, "driver@example.org")

    response = await operated.post(TOP_UPS, json={"amount": 5000, "currency": "EUR"}, headers=_keyed(driver.headers))

    assert response.status == 403
    assert (await response.json())["error"]["code"] == "top_up_by_operator"
    assert (await (await operated.get("/api/v1/wallet", headers=driver.headers)).json()) == {"wallets": []}


async def test_an_admin_credits_a_drivers_wallet(operated: Any) -> None:
    admin = await actor(operated, "admin@example.org", admin=True)
    driver = await actor(operated, "driver@example.org")

    response = await operated.post(
        TOP_UPS, json={"amount": 5000, "currency": "EUR", "user_id": driver.user_id}, headers=_keyed(admin.headers)
    )

    assert response.status == 201, await response.text()
    wallet = await (await operated.get("/api/v1/wallet", headers=driver.headers)).json()
    assert wallet == {"wallets": [{"currency": "EUR", "balance": 5000, "on_hold": 0, "available": 5000}]}


async def test_an_admin_crediting_an_unknown_account_is_a_404(operated: Any) -> None:
    admin = await actor(operated, "admin@example.org", admin=True)

    response = await operated.post(
        TOP_UPS, json={"amount": 5000, "currency": "EUR", "user_id": 999_999}, headers=_keyed(admin.headers)
    )

    assert response.status == 404


async def test_a_driver_cannot_credit_another_account_even_where_drivers_top_up(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    other = await actor(client, "other@example.org")

    response = await client.post(
        TOP_UPS, json={"amount": 5000, "currency": "EUR", "user_id": other.user_id}, headers=_keyed(driver.headers)
    )

    assert response.status == 403
    assert (await (await client.get("/api/v1/wallet", headers=other.headers)).json()) == {"wallets": []}

"""The hub for privacy tests: bookings on the tests' clock, and people with real passwords (deleting asks)."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.accounts.scopes import ALL_SCOPES
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, Actor, Clock
from tests.hub.conftest import clocked_app, register

PASSWORD = "correct horse battery"


@pytest.fixture
def clock() -> Clock:
    return Clock(START_OF_TESTS)


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))


async def person(client: Any, email: str, *, host: bool = False, scopes: frozenset[str] = ALL_SCOPES) -> Actor:
    """A registered account (with a password) acting through an API token."""
    user = await register(client, email, host=host, password=PASSWORD)
    issued = await client.server.app[HUB].accounts.create_token(user["id"], "tests", scopes)
    return Actor(user["id"], {"Authorization": f"Bearer {issued.secret}"})


async def delete_account(client: Any, who: Actor, password: str = PASSWORD) -> Any:
    return await client.delete("/api/v1/me", json={"password": password}, headers=who.headers)

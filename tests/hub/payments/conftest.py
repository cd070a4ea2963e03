"""The hub for payment tests: no background timers, every service on a clock the tests move by hand, an hour
before the charging tests' session starts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import SESSION_START
from tests.hub.conftest import clocked_app


@pytest.fixture
def clock() -> Clock:
    return Clock(SESSION_START - timedelta(hours=1))


@pytest.fixture
def hub_config(hub_config: HubConfig) -> HubConfig:
    """Drivers top up their own wallets here (the default leaves it to an admin: test_wallet_api.py)."""
    return replace(hub_config, wallet_top_ups="self")


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))

"""The hub for charging tests: no background timers, and a charging service on a clock the tests set."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import SESSION_START
from tests.hub.conftest import clocked_app


@pytest.fixture
def clock() -> Clock:
    return Clock(SESSION_START)


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))

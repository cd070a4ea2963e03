"""The hub for trust tests: no timers, and trust, reviews and bookings on a clock the tests move."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import Clock
from tests.hub.conftest import clocked_app
from tests.hub.trust.helpers import now_to_the_hour


@pytest.fixture
def clock() -> Clock:
    return Clock(now_to_the_hour())


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))

"""The hub for booking tests: no background sweep, and a clock the tests move by hand."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import START_OF_TESTS, Clock
from tests.hub.conftest import clocked_app


@pytest.fixture
def clock() -> Clock:
    return Clock(START_OF_TESTS)


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))

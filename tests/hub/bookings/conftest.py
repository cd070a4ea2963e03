"""The hub for booking tests: no background sweep, and a clock the tests move by hand."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chargeshare_hub.bookings.service import Bookings
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.app import create_app
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import START_OF_TESTS, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock(START_OF_TESTS)


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    app = create_app(hub_config, db, background_tasks=False)
    app[HUB] = replace(app[HUB], bookings=Bookings(db, hub_config, clock=clock))
    return await aiohttp_client(app)

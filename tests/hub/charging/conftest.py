"""The hub for charging tests: no background timers, and a charging service on a clock the tests set."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from chargeshare_hub.charging.service import Charging
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.web.app import create_app
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import SESSION_START


@pytest.fixture
def clock() -> Clock:
    return Clock(SESSION_START)


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    app = create_app(hub_config, db, background_tasks=False)
    app[HUB] = replace(app[HUB], charging=Charging(db, clock=clock))
    return await aiohttp_client(app)

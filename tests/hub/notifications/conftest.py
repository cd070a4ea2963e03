"""Notification tests: a hub on a clock the tests move, no timers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.base import utcnow
from chargeshare_hub.db.engine import Database
from tests.hub.bookings.helpers import START_OF_TESTS, Clock
from tests.hub.conftest import clocked_app, free_port


@pytest.fixture
def clock() -> Clock:
    return Clock(START_OF_TESTS)


@pytest.fixture
def mail_clock() -> Clock:
    """The mailer's clock, a minute ahead of the real time: a queued email is due from when it was written (by the
    database's clock), and the test's emails are written within that minute."""
    return Clock(utcnow() + timedelta(minutes=1))


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
async def client(hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(hub_config, db, clock))

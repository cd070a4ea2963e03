"""The Stripe gateway against a fake Stripe on 127.0.0.1, alone (`gateway`), or behind a hub whose payment provider
is `stripe` (`client`: no background timers, every service on a clock the tests move by hand, an hour before the
charging tests' session starts, and every host payable paid out at the next payout run)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import SESSION_START
from tests.hub.conftest import clocked_app
from tests.hub.payments_stripe.fake_stripe import API_KEY, FakeStripe

WEBHOOK_SECRET = "whsec_test_hub"


@pytest.fixture
async def fake() -> AsyncIterator[FakeStripe]:
    async with FakeStripe() as running:
        yield running


@pytest.fixture
async def gateway(fake: FakeStripe) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(API_KEY, api_base=fake.url, max_network_retries=1)
    yield gateway
    await gateway.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(SESSION_START - timedelta(hours=1))


@pytest.fixture
def stripe_config(hub_config: HubConfig, fake: FakeStripe) -> HubConfig:
    return replace(
        hub_config,
        payment_provider="stripe",
        stripe_api_key=API_KEY,
        stripe_webhook_secret=WEBHOOK_SECRET,
        stripe_api_base=fake.url,
        payout_threshold_minor=1,
    )


@pytest.fixture
async def client(stripe_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock) -> Any:
    return await aiohttp_client(clocked_app(stripe_config, db, clock))

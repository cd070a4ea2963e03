"""The Stripe gateway against a fake Stripe on 127.0.0.1 (no database involved)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.payments_stripe.fake_stripe import API_KEY, FakeStripe


@pytest.fixture
async def fake() -> AsyncIterator[FakeStripe]:
    async with FakeStripe() as running:
        yield running


@pytest.fixture
async def gateway(fake: FakeStripe) -> AsyncIterator[StripeGateway]:
    gateway = StripeGateway(API_KEY, api_base=fake.url, max_network_retries=1)
    yield gateway
    await gateway.close()

"""When Stripe cannot do the work at all (unreachable, or our key refused) the hub answers 502; the caller may try
again with the same key."""

from __future__ import annotations

import pytest

from chargeshare_hub.payments.stripe.errors import ProviderUnavailable
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.conftest import free_port
from tests.hub.payments_stripe.fake_stripe import FakeStripe
from tests.hub.payments_stripe.helpers import hold


async def test_a_refused_api_key_is_a_provider_error(fake: FakeStripe) -> None:
    gateway = StripeGateway("sk_test_wrong", api_base=fake.url, max_network_retries=0)
    try:
        with pytest.raises(ProviderUnavailable) as refused:
            await hold(gateway, "hold-50")
    finally:
        await gateway.close()

    assert (refused.value.status, refused.value.code) == (502, "payment_provider_error")
    assert fake.account.intents == {}


async def test_stripe_out_of_reach_is_a_provider_error() -> None:
    gateway = StripeGateway("sk_test_fake", api_base=f"http://127.0.0.1:{free_port()}", max_network_retries=0)
    try:
        with pytest.raises(ProviderUnavailable) as unreachable:
            await hold(gateway, "hold-51")
    finally:
        await gateway.close()

    assert unreachable.value.status == 502

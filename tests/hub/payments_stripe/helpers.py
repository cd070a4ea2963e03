"""The hold the tests place through the gateway."""

from __future__ import annotations

from chargeshare_hub.payments.stripe.gateway import StripeGateway
from chargeshare_hub.payments.stripe.objects import Intent
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT


async def hold(gateway: StripeGateway, key: str, amount: int = 2500, card: str | None = "pm_card_visa") -> Intent:
    """€25.00 for the fake's host with a €3.00 platform fee, confirmed at once with Stripe's test `card` (None:
    left for the driver's browser to confirm)."""
    return await gateway.authorise(
        amount=amount,
        currency="EUR",
        destination=HOST_ACCOUNT,
        application_fee=300,
        idempotency_key=key,
        payment_method=card,
        customer="cus_driver",
        metadata={"hold": "17"},
    )

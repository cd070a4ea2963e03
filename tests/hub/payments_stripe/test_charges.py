"""Fees as Stripe PaymentIntents captured at once: charged to a saved card off session as a Connect destination
charge, the host's transfer made and the platform's fee taken on the spot, or declined with nothing taken."""

from __future__ import annotations

import pytest

from chargeshare_hub.payments.stripe.errors import PaymentDeclined, PaymentStateConflict
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from chargeshare_hub.payments.stripe.objects import Intent
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT, FakeStripe


async def _charge(gateway: StripeGateway, key: str, card: str = "pm_card_visa") -> Intent:
    """€8.40 for the fake's host with a €0.84 platform fee."""
    return await gateway.charge(
        amount=840,
        currency="EUR",
        destination=HOST_ACCOUNT,
        application_fee=84,
        payment_method=card,
        idempotency_key=key,
        customer="cus_driver",
        metadata={"fee": "booking:1:fee:2"},
    )


async def test_a_charge_is_captured_at_once_with_the_hosts_transfer_and_the_platforms_fee(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await _charge(gateway, "fee-1")

    assert intent.status == "succeeded"
    assert (intent.amount, intent.amount_received, intent.amount_capturable) == (840, 840, 0)
    assert (intent.destination, intent.application_fee_amount, intent.metadata) == (
        HOST_ACCOUNT,
        84,
        {"fee": "booking:1:fee:2"},
    )
    kept = fake.account.intents[intent.id]
    assert (kept["capture_method"], kept["customer"], kept["payment_method"]) == (
        "automatic",
        "cus_driver",
        "pm_card_visa",
    )
    assert [(transfer["destination"], transfer["amount"]) for transfer in fake.account.transfers.values()] == [
        (HOST_ACCOUNT, 756)
    ]
    assert [fee["amount"] for fee in fake.account.application_fees.values()] == [84]
    assert fake.requests_to("/v1/payment_intents")[0].idempotency_key == "fee-1"
    assert [event["type"] for event in fake.account.events] == ["payment_intent.succeeded"]


async def test_a_declined_card_takes_nothing(gateway: StripeGateway, fake: FakeStripe) -> None:
    with pytest.raises(PaymentDeclined) as declined:
        await _charge(gateway, "fee-2", card="pm_card_chargeDeclinedInsufficientFunds")

    assert declined.value.decline_code == "insufficient_funds"
    assert declined.value.intent_id is not None
    assert (await gateway.retrieve(declined.value.intent_id)).status == "requires_payment_method"
    assert fake.account.transfers == {}
    assert [event["type"] for event in fake.account.events] == ["payment_intent.payment_failed"]


async def test_a_charge_is_refunded_with_the_hosts_share_taken_back(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await _charge(gateway, "fee-3")

    refund = await gateway.refund(intent.id, amount=None, idempotency_key="fee-3-refund")

    assert (refund.amount, refund.payment_intent) == (840, intent.id)
    assert [transfer["amount_reversed"] for transfer in fake.account.transfers.values()] == [756]
    assert [fee["amount_refunded"] for fee in fake.account.application_fees.values()] == [84]


async def test_a_charge_cannot_be_captured_or_released_afterwards(gateway: StripeGateway) -> None:
    intent = await _charge(gateway, "fee-4")

    with pytest.raises(PaymentStateConflict):
        await gateway.capture(intent.id, amount=840, application_fee=84, idempotency_key="fee-4-capture")
    with pytest.raises(PaymentStateConflict):
        await gateway.cancel(intent.id, idempotency_key="fee-4-release")

"""Refunds of captured holds: the driver gets the amount back, the host's share is taken back from their connected
account (the transfer reversed) and the platform's fee from the platform, each in proportion to the refund."""

from __future__ import annotations

import pytest

from chargeshare_hub.payments.stripe.errors import InvalidPaymentRequest, PaymentStateConflict
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from chargeshare_hub.payments.stripe.objects import Intent
from tests.hub.payments_stripe.fake_stripe import FakeStripe
from tests.hub.payments_stripe.helpers import hold


async def captured(gateway: StripeGateway, key: str, amount: int = 2000, fee: int = 240) -> Intent:
    intent = await hold(gateway, key)
    return await gateway.capture(intent.id, amount=amount, application_fee=fee, idempotency_key=f"{key}-capture")


async def test_a_full_refund_reverses_the_whole_transfer_and_fee(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await captured(gateway, "hold-40")

    refund = await gateway.refund(
        intent.id, amount=None, idempotency_key="hold-40-refund", reason="requested_by_customer", metadata={"cdr": "9"}
    )

    assert (refund.status, refund.amount, refund.currency) == ("succeeded", 2000, "eur")
    assert (refund.payment_intent, refund.charge) == (intent.id, intent.latest_charge)
    assert (refund.reason, refund.metadata) == ("requested_by_customer", {"cdr": "9"})
    [transfer] = fake.account.transfers.values()
    assert transfer["amount_reversed"] == transfer["amount"] == 1760
    assert [reversal["id"] for reversal in transfer["reversals"]] == [refund.transfer_reversal]
    [fee] = fake.account.application_fees.values()
    assert fee["amount_refunded"] == 240
    [event] = fake.events_of("charge.refunded")
    assert event["data"]["object"]["refunded"] is True


async def test_partial_refunds_reverse_in_proportion_and_add_up_to_the_whole(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await captured(gateway, "hold-41", amount=1000, fee=125)

    first = await gateway.refund(intent.id, amount=333, idempotency_key="hold-41-refund-1")
    [transfer] = fake.account.transfers.values()
    [fee] = fake.account.application_fees.values()
    reversed_first, fee_back_first = transfer["amount_reversed"], fee["amount_refunded"]
    await gateway.refund(intent.id, amount=667, idempotency_key="hold-41-refund-2")

    assert first.amount == 333
    assert (reversed_first, fee_back_first) == (875 * 333 // 1000, 125 * 333 // 1000)
    assert (transfer["amount_reversed"], fee["amount_refunded"]) == (875, 125)
    assert [event["data"]["object"]["amount_refunded"] for event in fake.events_of("charge.refunded")] == [333, 1000]


async def test_refunding_more_than_is_unrefunded_is_refused(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await captured(gateway, "hold-42")
    await gateway.refund(intent.id, amount=1500, idempotency_key="hold-42-refund-1")

    with pytest.raises(InvalidPaymentRequest) as refused:
        await gateway.refund(intent.id, amount=501, idempotency_key="hold-42-refund-2")

    assert (refused.value.status, refused.value.field) == (400, "amount")
    assert fake.account.charges[intent.latest_charge or ""]["amount_refunded"] == 1500


async def test_a_charge_refunded_in_full_cannot_be_refunded_again(gateway: StripeGateway) -> None:
    intent = await captured(gateway, "hold-43")
    await gateway.refund(intent.id, amount=None, idempotency_key="hold-43-refund-1")

    with pytest.raises(PaymentStateConflict) as again:
        await gateway.refund(intent.id, amount=None, idempotency_key="hold-43-refund-2")

    assert again.value.stripe_code == "charge_already_refunded"


async def test_a_hold_not_yet_captured_is_released_not_refunded(gateway: StripeGateway) -> None:
    intent = await hold(gateway, "hold-44")

    with pytest.raises(PaymentStateConflict):
        await gateway.refund(intent.id, amount=None, idempotency_key="hold-44-refund")


async def test_a_repeated_refund_refunds_once(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await captured(gateway, "hold-45")

    first = await gateway.refund(intent.id, amount=500, idempotency_key="hold-45-refund")
    again = await gateway.refund(intent.id, amount=500, idempotency_key="hold-45-refund")

    assert again == first
    assert fake.account.charges[intent.latest_charge or ""]["amount_refunded"] == 500

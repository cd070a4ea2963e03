"""Holds as Stripe PaymentIntents: authorised with manual capture as a Connect destination charge, captured for
the metered cost with the platform's fee, or released; read back by id."""

from __future__ import annotations

import pytest

from chargeshare_hub.payments.stripe.errors import (
    InvalidPaymentRequest,
    PaymentDeclined,
    PaymentNotFound,
    PaymentStateConflict,
)
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT, FakeStripe
from tests.hub.payments_stripe.helpers import hold


async def test_a_hold_with_a_saved_card_is_authorised_for_manual_capture_to_the_host(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await hold(gateway, "hold-17")

    assert intent.status == "requires_capture"
    assert (intent.amount, intent.amount_capturable, intent.amount_received) == (2500, 2500, 0)
    assert (intent.currency, intent.destination, intent.application_fee_amount) == ("eur", HOST_ACCOUNT, 300)
    assert intent.metadata == {"hold": "17"}
    assert intent.latest_charge is not None
    kept = fake.account.intents[intent.id]
    assert (kept["capture_method"], kept["customer"], kept["payment_method"]) == (
        "manual",
        "cus_driver",
        "pm_card_visa",
    )
    assert fake.requests_to("/v1/payment_intents")[0].idempotency_key == "hold-17"
    assert [event["type"] for event in fake.account.events] == ["payment_intent.amount_capturable_updated"]


async def test_a_hold_without_a_payment_method_waits_for_the_drivers_browser_to_confirm_it(
    gateway: StripeGateway,
) -> None:
    intent = await hold(gateway, "hold-18", card=None)

    assert intent.status == "requires_payment_method"
    assert intent.amount_capturable == 0
    assert intent.client_secret is not None
    assert intent.client_secret.startswith(f"{intent.id}_secret_")


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_authenticationRequired", "authentication_required", "authentication_required"),
    ],
)
async def test_a_declined_card_is_a_402_naming_why_and_the_intent_stripe_kept(
    gateway: StripeGateway, fake: FakeStripe, card: str, code: str, decline_code: str
) -> None:
    with pytest.raises(PaymentDeclined) as declined:
        await hold(gateway, "hold-19", card=card)

    failure = declined.value
    assert (failure.status, failure.code) == (402, "payment_declined")
    assert (failure.stripe_code, failure.decline_code) == (code, decline_code)
    assert failure.intent_id in fake.account.intents
    assert failure.intent_id is not None
    intent = await gateway.retrieve(failure.intent_id)
    assert intent.status == "requires_payment_method"
    assert intent.failure is not None
    assert intent.failure.decline_code == decline_code
    assert [event["type"] for event in fake.account.events] == ["payment_intent.payment_failed"]


async def test_a_host_without_a_connected_account_is_an_invalid_request(gateway: StripeGateway) -> None:
    with pytest.raises(InvalidPaymentRequest) as refused:
        await gateway.authorise(
            amount=2500, currency="eur", destination="acct_nobody", application_fee=300, idempotency_key="hold-20"
        )

    assert refused.value.status == 400
    assert refused.value.field == "transfer_data[destination]"
    assert "acct_nobody" in refused.value.message


async def test_an_amount_below_stripes_minimum_is_refused(gateway: StripeGateway) -> None:
    with pytest.raises(InvalidPaymentRequest) as refused:
        await hold(gateway, "hold-21", amount=49)

    assert refused.value.stripe_code == "amount_too_small"


async def test_capture_takes_the_metered_cost_with_the_fee_recomputed_and_releases_the_rest(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await hold(gateway, "hold-22")

    captured = await gateway.capture(intent.id, amount=1840, application_fee=221, idempotency_key="hold-22-capture")

    assert captured.status == "succeeded"
    assert (captured.amount_received, captured.amount_capturable, captured.application_fee_amount) == (1840, 0, 221)
    [transfer] = fake.account.transfers.values()
    assert (transfer["destination"], transfer["amount"]) == (HOST_ACCOUNT, 1840 - 221)
    [fee] = fake.account.application_fees.values()
    assert fee["amount"] == 221
    assert fake.events_of("payment_intent.succeeded")[0]["data"]["object"]["amount_received"] == 1840


async def test_capturing_more_than_was_authorised_is_refused_and_the_hold_stays(gateway: StripeGateway) -> None:
    intent = await hold(gateway, "hold-23")

    with pytest.raises(InvalidPaymentRequest) as refused:
        await gateway.capture(intent.id, amount=2501, application_fee=300, idempotency_key="hold-23-capture")

    assert (refused.value.status, refused.value.field) == (400, "amount_to_capture")
    after = await gateway.retrieve(intent.id)
    assert (after.status, after.amount_capturable) == ("requires_capture", 2500)


async def test_a_fee_above_the_captured_amount_is_refused(gateway: StripeGateway) -> None:
    intent = await hold(gateway, "hold-24")

    with pytest.raises(InvalidPaymentRequest) as refused:
        await gateway.capture(intent.id, amount=200, application_fee=300, idempotency_key="hold-24-capture")

    assert refused.value.field == "application_fee_amount"


async def test_a_captured_hold_cannot_be_captured_or_released_again(gateway: StripeGateway) -> None:
    intent = await hold(gateway, "hold-25")
    await gateway.capture(intent.id, amount=1000, application_fee=120, idempotency_key="hold-25-capture")

    with pytest.raises(PaymentStateConflict) as again:
        await gateway.capture(intent.id, amount=500, application_fee=60, idempotency_key="hold-25-capture-2")
    with pytest.raises(PaymentStateConflict):
        await gateway.cancel(intent.id, idempotency_key="hold-25-release")

    assert (again.value.status, again.value.stripe_code) == (409, "payment_intent_unexpected_state")


async def test_cancel_releases_the_whole_hold(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await hold(gateway, "hold-26")

    released = await gateway.cancel(intent.id, idempotency_key="hold-26-release")

    assert (released.status, released.amount_capturable, released.amount_received) == ("canceled", 0, 0)
    assert released.cancellation_reason == "abandoned"
    assert fake.account.transfers == {}
    assert fake.events_of("payment_intent.canceled")[0]["data"]["object"]["id"] == intent.id
    with pytest.raises(PaymentStateConflict):
        await gateway.capture(intent.id, amount=100, application_fee=0, idempotency_key="hold-26-capture")


async def test_an_unknown_intent_is_not_found(gateway: StripeGateway) -> None:
    with pytest.raises(PaymentNotFound) as missing:
        await gateway.retrieve("pi_nothing")
    with pytest.raises(PaymentNotFound):
        await gateway.capture("pi_nothing", amount=100, application_fee=0, idempotency_key="nothing-capture")

    assert (missing.value.status, missing.value.code) == (404, "not_found")

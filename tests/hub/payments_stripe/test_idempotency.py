"""Our idempotency key is Stripe's: a repeated call does its work once and answers like the first, a key used for
a different call is refused, and an answer lost on the way back is recovered by asking again with the key."""

from __future__ import annotations

import pytest

from chargeshare_hub.payments.stripe.errors import (
    IdempotencyConflict,
    InvalidPaymentRequest,
    PaymentDeclined,
    ProviderUnavailable,
)
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.payments_stripe.fake_stripe import API_KEY, HOST_ACCOUNT, FakeStripe
from tests.hub.payments_stripe.helpers import hold


async def test_a_repeated_authorisation_creates_one_intent_and_answers_the_same(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    first = await hold(gateway, "hold-30")
    again = await hold(gateway, "hold-30")

    assert again == first
    assert len(fake.account.intents) == 1
    assert [seen.replayed for seen in fake.requests_to("/v1/payment_intents")] == [False, True]


async def test_a_repeated_capture_captures_once(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await hold(gateway, "hold-31")

    first = await gateway.capture(intent.id, amount=1500, application_fee=180, idempotency_key="hold-31-capture")
    again = await gateway.capture(intent.id, amount=1500, application_fee=180, idempotency_key="hold-31-capture")

    assert again == first
    assert len(fake.account.transfers) == 1
    assert len(fake.events_of("payment_intent.succeeded")) == 1


async def test_a_key_used_for_a_different_request_is_refused(gateway: StripeGateway, fake: FakeStripe) -> None:
    intent = await hold(gateway, "hold-32")
    await gateway.capture(intent.id, amount=1500, application_fee=180, idempotency_key="hold-32-capture")

    with pytest.raises(IdempotencyConflict) as reused:
        await gateway.capture(intent.id, amount=1600, application_fee=192, idempotency_key="hold-32-capture")
    with pytest.raises(IdempotencyConflict):
        await gateway.cancel(intent.id, idempotency_key="hold-32-capture")

    assert (reused.value.status, reused.value.code) == (422, "idempotency_key_reused")
    assert fake.account.intents[intent.id]["amount_received"] == 1500


async def test_a_repeated_declined_authorisation_is_declined_again_without_a_second_attempt(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    with pytest.raises(PaymentDeclined) as first:
        await hold(gateway, "hold-33", card="pm_card_chargeDeclined")
    with pytest.raises(PaymentDeclined) as again:
        await hold(gateway, "hold-33", card="pm_card_chargeDeclined")

    assert again.value.intent_id == first.value.intent_id
    assert len(fake.events_of("payment_intent.payment_failed")) == 1


async def test_a_refused_parameter_is_not_kept_so_the_key_can_be_used_for_the_corrected_request(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await hold(gateway, "hold-34")
    with pytest.raises(InvalidPaymentRequest):
        await gateway.cancel(intent.id, idempotency_key="hold-34-release", reason="changed_my_mind")  # type: ignore[arg-type]

    released = await gateway.cancel(intent.id, idempotency_key="hold-34-release")

    assert released.status == "canceled"


async def test_an_answer_lost_on_the_way_back_is_fetched_by_the_librarys_retry_with_the_same_key(
    gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await hold(gateway, "hold-35")
    fake.lose_answers(1)

    captured = await gateway.capture(intent.id, amount=900, application_fee=108, idempotency_key="hold-35-capture")

    assert (captured.status, captured.amount_received) == ("succeeded", 900)
    attempts = fake.requests_to(f"/v1/payment_intents/{intent.id}/capture")
    assert [(seen.idempotency_key, seen.replayed) for seen in attempts] == [
        ("hold-35-capture", False),
        ("hold-35-capture", True),
    ]
    assert len(fake.account.transfers) == 1


async def test_a_call_whose_answer_never_came_is_repaired_by_repeating_it_with_its_key(fake: FakeStripe) -> None:
    """A crash between Stripe's work and our write: the call failed for us, Stripe did it; the same key later
    answers with what Stripe did, and does nothing more."""
    gateway = StripeGateway(API_KEY, api_base=fake.url, max_network_retries=0)
    try:
        intent = await hold(gateway, "hold-36")
        fake.lose_answers(1)
        with pytest.raises(ProviderUnavailable):
            await gateway.capture(intent.id, amount=900, application_fee=108, idempotency_key="hold-36-capture")

        repaired = await gateway.capture(intent.id, amount=900, application_fee=108, idempotency_key="hold-36-capture")
    finally:
        await gateway.close()

    assert (repaired.status, repaired.amount_received) == ("succeeded", 900)
    assert len(fake.account.transfers) == 1


async def test_every_changing_call_needs_a_key(gateway: StripeGateway) -> None:
    with pytest.raises(ValueError, match="idempotency key"):
        await gateway.authorise(
            amount=2500, currency="eur", destination=HOST_ACCOUNT, application_fee=300, idempotency_key=""
        )

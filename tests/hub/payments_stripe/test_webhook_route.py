"""Stripe's events at the hub's webhook endpoint: signed ones are acted on, idempotently (a hold Stripe released
becomes RELEASED, a chargeback opens a dispute of the CDR that holds the host's payouts), and anything not signed
with the endpoint's secret is refused and changes nothing."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.payments.payout_tables import PaymentDispute
from chargeshare_hub.payments.stripe.gateway import StripeGateway
from tests.hub.bookings.helpers import Clock
from tests.hub.payments.helpers import database, held
from tests.hub.payments_stripe.conftest import WEBHOOK_SECRET
from tests.hub.payments_stripe.fake_stripe import FakeStripe
from tests.hub.payments_stripe.helpers import hold
from tests.hub.payments_stripe.hub_helpers import charged_at_stripe, held_at_stripe

WEBHOOK = "/api/v1/payments/stripe/webhook"


async def _deliver(client: Any, fake: FakeStripe, kind: str, secret: str = WEBHOOK_SECRET) -> int:
    """Stripe's latest event of `kind`, delivered to the hub; the hub's answer's status."""
    return await fake.send_webhook(str(client.make_url(WEBHOOK)), fake.events_of(kind)[-1], secret)


async def _disputes(client: Any) -> list[PaymentDispute]:
    async with database(client).read() as session:
        return list(await session.scalars(select(PaymentDispute)))


async def test_a_hold_stripe_canceled_is_released_once_however_often_the_event_comes(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold = await held_at_stripe(client, clock)
    fake.account.cancel(str(hold.provider_reference), {}, None)  # the authorisation expired

    first = await _deliver(client, fake, "payment_intent.canceled")
    released = await held(client, setting.booking_id)
    again = await _deliver(client, fake, "payment_intent.canceled")

    assert (first, again) == (200, 200)
    assert released is not None
    assert released.status == "RELEASED"
    again_held = await held(client, setting.booking_id)
    assert again_held is not None
    assert (again_held.status, again_held.settled_at) == ("RELEASED", released.settled_at)


async def test_a_hold_whose_payment_failed_at_stripe_is_released_and_its_booking_left_as_it_is(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold = await held_at_stripe(client, clock)
    authorised = fake.events_of("payment_intent.amount_capturable_updated")[-1]
    failed = copy.deepcopy(authorised) | {"id": "evt_payment_failed", "type": "payment_intent.payment_failed"}
    failed["data"]["object"].update(status="requires_payment_method", amount_capturable=0)

    status = await fake.send_webhook(str(client.make_url(WEBHOOK)), failed, WEBHOOK_SECRET)

    assert status == 200
    released = await held(client, setting.booking_id)
    assert released is not None
    assert (released.provider_reference, released.status) == (hold.provider_reference, "RELEASED")
    async with database(client).read() as session:
        booking = await session.get(Booking, setting.booking_id)
    assert booking is not None
    assert booking.reservation_status == "RESERVED"


async def test_an_event_not_signed_with_the_endpoints_secret_is_refused_and_changes_nothing(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold = await held_at_stripe(client, clock)
    fake.account.cancel(str(hold.provider_reference), {}, None)

    status = await _deliver(client, fake, "payment_intent.canceled", secret="whsec_someone_else")

    assert status == 400
    still = await held(client, setting.booking_id)
    assert still is not None
    assert still.status == "HELD"


async def test_a_chargeback_opens_one_dispute_of_the_cdr(client: Any, clock: Clock, fake: FakeStripe) -> None:
    setting, hold, cdr = await charged_at_stripe(client, clock)
    fake.account.open_dispute(str(hold.provider_reference))

    statuses = [await _deliver(client, fake, "charge.dispute.created") for _ in range(2)]

    assert statuses == [200, 200]
    disputes = await _disputes(client)
    assert [(dispute.cdr_id, dispute.driver_id, dispute.status) for dispute in disputes] == [
        (cdr.id, setting.driver.user_id, "OPEN")
    ]
    assert "The driver's bank disputes the card payment (fraudulent" in disputes[0].reason


async def test_events_about_payment_intents_the_hub_does_not_know_are_acknowledged_and_ignored(
    client: Any, gateway: StripeGateway, fake: FakeStripe
) -> None:
    intent = await hold(gateway, "someone-elses-hold")
    await gateway.cancel(intent.id, idempotency_key="someone-elses-cancel")

    assert await _deliver(client, fake, "payment_intent.canceled") == 200
    assert await _deliver(client, fake, "payment_intent.amount_capturable_updated") == 200

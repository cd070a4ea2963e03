"""Booking fees through the `stripe` provider: charged to the driver's saved card at once for the host's Connect
account with the platform's share as the application fee (Stripe paying the host, so no payout pays them again);
a card that cannot pay leaves the fee owed; a timely cancellation refunds the fee's PaymentIntent and takes the
host's share back; a fee Stripe cannot answer for waits, unposted, and is charged once when it can."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from chargeshare_hub.bookings.tables import BookingCharge
from chargeshare_hub.ledger.kinds import AccountKind
from tests.hub.bookings.helpers import Actor, Clock, actor, booked, period, priced_listing
from tests.hub.payments.helpers import database, differences, holding_of, payments, postings
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT, FakeStripe
from tests.hub.payments_stripe.hub_helpers import save_account, save_card

FEE_TARIFF = "tariff_16_reservation_2_euro_fee_5_euro_per_hour.json"  # 2.00 EUR + 5.00 EUR an hour, incl. 20 % VAT
BOOKING_FEE, PLATFORM_SHARE = 840, 84  # (2 + 5) x 1.2, and the platform's 10 % of it


async def _booked_with_fee(client: Any, clock: Clock, card: str | None = "pm_card_visa") -> tuple[Actor, Actor, str]:
    """The host (their Connect account saved), the driver (with `card` saved) and their booking, two days ahead,
    which owes the booking fee."""
    host, location_id = await priced_listing(client, FEE_TARIFF)
    driver = await actor(client, "driver@example.org")
    assert (await save_account(client, host)).status == 200
    if card is not None:
        assert (await save_card(client, driver, card)).status == 200
    booking = await booked(client, driver, location_id, period(48, 1, now=clock.now))
    return host, driver, booking["id"]


async def _cancel(client: Any, driver: Actor, booking_id: str) -> None:
    canceled = await client.post(
        f"/api/v1/bookings/{booking_id}/cancel", json={"cancellation_reason": "TRAFFIC"}, headers=driver.headers
    )
    assert canceled.status == 200, await canceled.text()


async def _fee_rows(client: Any, booking_id: str) -> list[tuple[int, str | None]]:
    async with database(client).read() as session:
        rows = await session.scalars(
            select(BookingCharge).where(BookingCharge.booking_id == booking_id).order_by(BookingCharge.id)
        )
        return [(row.amount_minor, row.provider_reference) for row in rows]


def _succeeded(fake: FakeStripe) -> list[tuple[int, int, str]]:
    """The PaymentIntents that took money: amount, application fee, destination."""
    return [
        (intent["amount_received"], intent["application_fee_amount"], intent["transfer_data"]["destination"])
        for intent in fake.account.intents.values()
        if intent["status"] == "succeeded"
    ]


async def test_a_booking_fee_is_charged_to_the_card_for_the_host_with_the_platforms_share(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    host, driver, booking_id = await _booked_with_fee(client, clock)

    swept = await payments(client).sweep()

    assert swept.fees_posted == 1
    [intent] = fake.account.intents.values()
    assert intent["capture_method"] == "automatic"
    assert _succeeded(fake) == [(BOOKING_FEE, PLATFORM_SHARE, HOST_ACCOUNT)]
    assert [transfer["amount"] for transfer in fake.account.transfers.values()] == [BOOKING_FEE - PLATFORM_SHARE]
    [(amount, reference)] = await _fee_rows(client, booking_id)
    assert (amount, reference) == (BOOKING_FEE, intent["id"])
    key = fake.requests_to("/v1/payment_intents")[0].idempotency_key
    assert key is not None
    assert key.startswith(f"booking:{booking_id}:fee:")
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0  # Stripe paid it: no payout will
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == PLATFORM_SHARE
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None) == PLATFORM_SHARE
    assert await differences(client) == []


async def test_a_declined_card_charges_nothing_and_leaves_the_fee_owed(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    _, driver, booking_id = await _booked_with_fee(client, clock, card="pm_card_chargeDeclined")

    swept = await payments(client).sweep()

    assert swept.fees_posted == 1
    assert _succeeded(fake) == []
    assert fake.account.transfers == {}
    assert await _fee_rows(client, booking_id) == [(BOOKING_FEE, None)]
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == BOOKING_FEE
    assert await differences(client) == []


async def test_a_driver_without_a_card_is_charged_nothing_and_owes_the_fee(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    _, driver, _ = await _booked_with_fee(client, clock, card=None)

    await payments(client).sweep()

    assert fake.account.intents == {}
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == BOOKING_FEE
    assert await differences(client) == []


async def test_a_timely_cancellation_refunds_the_fees_payment_intent_and_takes_the_hosts_share_back(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    host, driver, booking_id = await _booked_with_fee(client, clock)
    await payments(client).sweep()
    [intent_id] = fake.account.intents

    await _cancel(client, driver, booking_id)
    swept = await payments(client).sweep()

    assert swept.fees_posted == 1
    refunds = [(refund["amount"], refund["payment_intent"]) for refund in fake.account.refunds.values()]
    assert refunds == [(BOOKING_FEE, intent_id)]
    assert [transfer["amount_reversed"] for transfer in fake.account.transfers.values()] == [
        BOOKING_FEE - PLATFORM_SHARE
    ]
    assert fake.requests_to("/v1/refunds")[0].idempotency_key == (
        f"booking:{booking_id}:fee:{await _row_id(client, booking_id, -1)}:{await _row_id(client, booking_id, 0)}"
        ":refund"
    )
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == 0
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == 0
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None) == 0
    assert await differences(client) == []


async def test_a_fee_stripe_cannot_answer_for_waits_and_is_charged_once_by_the_next_sweep(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    host, driver, booking_id = await _booked_with_fee(client, clock)
    fake.down = True

    deferred = await payments(client).sweep()

    assert deferred.fees_posted == 0
    assert await _fee_rows(client, booking_id) == [(BOOKING_FEE, None)]
    assert await postings(client) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    fake.down = False

    assert (await payments(client).sweep()).fees_posted == 1
    assert (await payments(client).sweep()).fees_posted == 0
    assert _succeeded(fake) == [(BOOKING_FEE, PLATFORM_SHARE, HOST_ACCOUNT)]
    assert len(fake.account.intents) == 1
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    assert await differences(client) == []


async def test_a_refund_waits_for_its_deferred_fee_and_gives_back_what_the_fee_then_took(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    host, driver, booking_id = await _booked_with_fee(client, clock)
    fake.down = True
    await payments(client).sweep()
    await _cancel(client, driver, booking_id)

    assert (await payments(client).sweep()).fees_posted == 0
    fake.down = False
    swept = await payments(client).sweep()

    assert swept.fees_posted == 2
    [intent_id] = fake.account.intents
    assert [(refund["amount"], refund["payment_intent"]) for refund in fake.account.refunds.values()] == [
        (BOOKING_FEE, intent_id)
    ]
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, driver.user_id) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    assert await differences(client) == []


async def _row_id(client: Any, booking_id: str, index: int) -> int:
    """The id of the booking's fee row at `index` (0: the first, -1: the last)."""
    async with database(client).read() as session:
        ids = list(
            await session.scalars(
                select(BookingCharge.id).where(BookingCharge.booking_id == booking_id).order_by(BookingCharge.id)
            )
        )
    return ids[index]

"""The `stripe` provider's holds: authorised on the driver's saved card for the host's Connect account with the
platform's fee, captured for what the CDR cost with the fee recomputed (Stripe paying the host at once, so no
payout pays them again), released at Stripe when the booking ends unused; a hold that cannot be placed cancels
the booking and tells the driver why, and one Stripe cannot answer for now waits for the next sweep."""

from __future__ import annotations

from typing import Any
import uuid

from sqlalchemy import select

from chargeshare_hub.bookings.tables import Booking
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.notifications.tables import Notification
from chargeshare_hub.web.context import HUB
from tests.hub.bookings.helpers import Clock, actor, cancel
from tests.hub.payments.helpers import TOP_UPS, database, differences, held, holding_of, payments, postings
from tests.hub.payments_stripe.fake_stripe import HOST_ACCOUNT, FakeStripe
from tests.hub.payments_stripe.hub_helpers import (
    CHARGED,
    FEE,
    HOLD,
    HOLD_FEE,
    HOST_SHARE,
    charged_at_stripe,
    held_at_stripe,
    stripe_booking,
)


async def _refusal(client: Any, booking_id: str, driver_id: int) -> tuple[str, str | None, list[str]]:
    """The booking's status, its hold's status and the driver's notices."""
    async with database(client).read() as session:
        booking = await session.get(Booking, booking_id)
        notices = list(await session.scalars(select(Notification.body).where(Notification.user_id == driver_id)))
    hold = await held(client, booking_id)
    assert booking is not None
    return booking.reservation_status, None if hold is None else hold.status, notices


async def test_a_booking_with_a_saved_card_is_held_at_stripe_for_the_host_with_the_platform_fee(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold = await held_at_stripe(client, clock)

    assert hold.status == "HELD"
    assert hold.provider == "stripe"
    assert hold.provider_reference is not None
    intent = fake.account.intents[hold.provider_reference]
    assert (intent["status"], intent["amount"], intent["application_fee_amount"]) == (
        "requires_capture",
        HOLD,
        HOLD_FEE,
    )
    assert (intent["transfer_data"]["destination"], intent["payment_method"]) == (HOST_ACCOUNT, "pm_card_visa")
    assert (intent["customer"], intent["metadata"]) == ("cus_driver", {"booking": setting.booking_id})
    assert fake.requests_to("/v1/payment_intents")[0].idempotency_key == f"hold:{setting.booking_id}:authorise"
    assert await postings(client) == 0  # nothing is owed before the CDR


async def test_the_cdr_captures_its_cost_with_the_fee_recomputed_and_stripe_pays_the_host_at_once(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold, cdr = await charged_at_stripe(client, clock)

    assert (hold.status, hold.captured_minor, hold.uncollected_minor, hold.cdr_id) == ("CAPTURED", CHARGED, 0, cdr.id)
    assert hold.provider_reference is not None
    intent = fake.account.intents[hold.provider_reference]
    assert (intent["status"], intent["amount_received"], intent["application_fee_amount"]) == (
        "succeeded",
        CHARGED,
        FEE,
    )
    transfers = [(transfer["amount"], transfer["destination"]) for transfer in fake.account.transfers.values()]
    assert transfers == [(HOST_SHARE, HOST_ACCOUNT)]
    assert fake.requests_to(f"/v1/payment_intents/{hold.provider_reference}/capture")[0].idempotency_key == (
        f"hold:{hold.id}:capture"
    )
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, setting.driver.user_id) == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, setting.host.user_id) == 0
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == FEE
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None) == FEE  # the fee stays at Stripe
    assert await differences(client) == []


async def test_no_payout_pays_the_host_again_what_stripe_transferred_to_them(client: Any, clock: Clock) -> None:
    await charged_at_stripe(client, clock)

    run = await client.server.app[HUB].payouts.run()

    assert run.payouts == 0


async def test_a_driver_without_a_saved_card_has_the_booking_canceled_and_is_told_why(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting = await stripe_booking(client, card=None)
    clock.advance(minutes=30)

    swept = await payments(client).sweep()

    assert swept.refused == 1
    status, hold_status, notices = await _refusal(client, setting.booking_id, setting.driver.user_id)
    assert (status, hold_status) == ("CANCELED", "REFUSED")
    assert len(notices) == 1
    assert "You have no card saved for payments" in notices[0]
    assert fake.seen == []


async def test_a_declined_card_cancels_the_booking_and_tells_the_driver_why(client: Any, clock: Clock) -> None:
    setting, hold = await held_at_stripe(client, clock, card="pm_card_chargeDeclined")

    status, hold_status, notices = await _refusal(client, setting.booking_id, setting.driver.user_id)
    assert (status, hold_status, hold.provider_reference) == ("CANCELED", "REFUSED", None)
    assert "Your card was declined: Your card was declined." in notices[0]


async def test_while_stripe_is_down_no_hold_is_placed_and_the_next_sweep_places_it(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting = await stripe_booking(client)
    clock.advance(minutes=30)
    fake.down = True

    during = await payments(client).sweep()
    hold_during = await held(client, setting.booking_id)
    fake.down = False
    after = await payments(client).sweep()

    assert (during.placed, during.refused, hold_during) == (0, 0, None)
    assert (after.placed, after.refused) == (1, 0)
    hold = await held(client, setting.booking_id)
    assert hold is not None
    assert hold.status == "HELD"
    assert fake.account.intents[str(hold.provider_reference)]["status"] == "requires_capture"


async def test_a_canceled_booking_releases_its_hold_at_stripe(client: Any, clock: Clock, fake: FakeStripe) -> None:
    setting, hold = await held_at_stripe(client, clock)
    await cancel(client, setting.driver, setting.booking_id)

    swept = await payments(client).sweep()

    assert swept.released == 1
    released = await held(client, setting.booking_id)
    assert released is not None
    assert released.status == "RELEASED"
    assert fake.account.intents[str(hold.provider_reference)]["status"] == "canceled"
    assert fake.requests_to(f"/v1/payment_intents/{hold.provider_reference}/cancel")[0].idempotency_key == (
        f"hold:{hold.id}:cancel"
    )


async def test_a_hold_stripe_canceled_already_is_released_all_the_same(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold = await held_at_stripe(client, clock)
    fake.account.cancel(str(hold.provider_reference), {}, None)  # expired at Stripe, its event not yet arrived
    await cancel(client, setting.driver, setting.booking_id)

    swept = await payments(client).sweep()

    assert swept.released == 1
    released = await held(client, setting.booking_id)
    assert released is not None
    assert released.status == "RELEASED"


async def test_a_hold_stripe_cannot_release_now_stays_held_until_a_later_sweep(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, _ = await held_at_stripe(client, clock)
    await cancel(client, setting.driver, setting.booking_id)
    fake.down = True

    during = await payments(client).sweep()
    fake.down = False
    after = await payments(client).sweep()

    assert (during.released, after.released) == (0, 1)


async def test_a_hub_paid_through_stripe_has_no_wallet_to_top_up(client: Any) -> None:
    setting = await stripe_booking(client)
    admin = await actor(client, "admin@example.org", admin=True)

    response = await client.post(
        TOP_UPS,
        json={"amount": 500, "currency": "EUR", "user_id": setting.driver.user_id},
        headers=admin.headers | {"Idempotency-Key": str(uuid.uuid4())},
    )

    assert response.status == 409
    assert (await response.json())["error"]["code"] == "no_wallet"

"""Repair by reconciliation: a crash between a Stripe call and the commit of what it did is repaired by reading the
PaymentIntent back. A capture Stripe made whose transaction was lost is settled once (Stripe answers the repeated
call like the first, capturing nothing again), a hold Stripe canceled is released, and the books balance."""

from __future__ import annotations

from typing import Any

import pytest

from chargeshare_hub.charging.tables import Cdr
from chargeshare_hub.payments.holds import Holds
from chargeshare_hub.payments.stripe.repair import Repaired, repair_holds
from chargeshare_hub.payments.tables import PaymentHold
from tests.hub.bookings.helpers import Clock
from tests.hub.charging.helpers import end, start
from tests.hub.payments.helpers import database, differences, held, postings
from tests.hub.payments_stripe.fake_stripe import FakeStripe
from tests.hub.payments_stripe.hub_helpers import CHARGED, held_at_stripe, provider


class _Crash(Exception):
    """The hub's process dies before its transaction commits."""


async def _repair(client: Any, clock: Clock) -> Repaired:
    return await repair_holds(database(client), provider(client), clock)


async def _issued_without_capture(
    client: Any, monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> tuple[PaymentHold, Cdr]:
    """A held booking's session ended and its CDR issued, the capture left for the test to make."""
    setting, hold = await held_at_stripe(client, clock)

    async def no_capture(*_args: object) -> None:
        """The capture is the test's to make."""

    with monkeypatch.context() as patched:
        patched.setattr(Holds, "settle_cdr", no_capture)
        await start(client, setting.host, setting.location_id, id_tag="TAG1")
        cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)
    return hold, cdr


async def _capture_then_crash(client: Any, cdr: Cdr, clock: Clock) -> None:
    """The CDR's capture, Stripe's part done, and the process gone before the commit."""
    stripe = provider(client)
    async with database(client).write() as session:
        await Holds(stripe, stripe.rules).settle_cdr(session, cdr, clock())
        raise _Crash


async def test_a_capture_whose_transaction_was_lost_is_settled_once_by_the_repair(
    client: Any, clock: Clock, fake: FakeStripe, monkeypatch: pytest.MonkeyPatch
) -> None:
    hold, cdr = await _issued_without_capture(client, monkeypatch, clock)
    with pytest.raises(_Crash):
        await _capture_then_crash(client, cdr, clock)
    intent = fake.account.intents[str(hold.provider_reference)]
    assert (intent["status"], intent["amount_received"]) == ("succeeded", CHARGED)
    assert await postings(client) == 0
    lost = await held(client, hold.booking_id)
    assert lost is not None
    assert lost.status == "HELD"

    repaired = await _repair(client, clock)
    again = await _repair(client, clock)

    assert (repaired, again) == (Repaired(released=0, settled=1), Repaired(released=0, settled=0))
    settled = await held(client, hold.booking_id)
    assert settled is not None
    assert (settled.status, settled.captured_minor, settled.cdr_id) == ("CAPTURED", CHARGED, cdr.id)
    assert (await postings(client, "session.charge"), await postings(client, "stripe.capture")) == (1, 1)
    assert await differences(client) == []
    captures = fake.requests_to(f"/v1/payment_intents/{hold.provider_reference}/capture")
    assert [seen.replayed for seen in captures] == [False, True]
    assert len(fake.events_of("payment_intent.succeeded")) == 1


async def test_a_hold_stripe_canceled_is_released_by_the_repair(client: Any, clock: Clock, fake: FakeStripe) -> None:
    setting, hold = await held_at_stripe(client, clock)
    fake.account.cancel(str(hold.provider_reference), {}, None)  # its event never reached the hub

    repaired = await _repair(client, clock)

    assert repaired == Repaired(released=1, settled=0)
    released = await held(client, setting.booking_id)
    assert released is not None
    assert released.status == "RELEASED"


async def test_a_hold_still_authorised_is_left_as_it_is(client: Any, clock: Clock) -> None:
    setting, _ = await held_at_stripe(client, clock)

    repaired = await _repair(client, clock)

    assert not repaired
    still = await held(client, setting.booking_id)
    assert still is not None
    assert still.status == "HELD"

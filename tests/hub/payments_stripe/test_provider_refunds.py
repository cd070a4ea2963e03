"""Refunds through the `stripe` provider: a credit CDR of a session captured at Stripe refunds that PaymentIntent,
taking the host's share back from their Connect account, and the books mirror both, so that the host's payable is
back to zero (a refunded booking fee: test_provider_fees.py)."""

from __future__ import annotations

from typing import Any

from chargeshare_hub.ledger.kinds import AccountKind
from tests.hub.bookings.helpers import Actor, Clock
from tests.hub.payments.helpers import differences, holding_of
from tests.hub.payments_stripe.fake_stripe import FakeStripe
from tests.hub.payments_stripe.hub_helpers import CHARGED, FEE, HOST_SHARE, charged_at_stripe


async def _credit(client: Any, host: Actor, cdr_id: str, **body: Any) -> dict[str, Any]:
    response = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"reason": "Charger stopped early", **body}, headers=host.headers
    )
    assert response.status == 201, await response.text()
    credit: dict[str, Any] = await response.json()
    return credit


async def test_a_credit_cdr_refunds_the_payment_intent_and_takes_the_hosts_share_back(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, hold, cdr = await charged_at_stripe(client, clock)

    credit = await _credit(client, setting.host, cdr.id)

    refunds = list(fake.account.refunds.values())
    assert [(refund["amount"], refund["payment_intent"]) for refund in refunds] == [(CHARGED, hold.provider_reference)]
    assert refunds[0]["transfer_reversal"] is not None
    assert [transfer["amount_reversed"] for transfer in fake.account.transfers.values()] == [HOST_SHARE]
    assert fake.requests_to("/v1/refunds")[0].idempotency_key == f"cdr:{credit['id']}:refund"
    assert await holding_of(client, AccountKind.HOST_PAYABLE, setting.host.user_id) == 0
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, setting.driver.user_id) == 0
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == 0
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None) == 0
    assert await differences(client) == []


async def test_a_partial_credit_refunds_its_part_and_the_hosts_share_of_it(
    client: Any, clock: Clock, fake: FakeStripe
) -> None:
    setting, _, cdr = await charged_at_stripe(client, clock)

    await _credit(client, setting.host, cdr.id, amount=50)

    assert [refund["amount"] for refund in fake.account.refunds.values()] == [50]
    assert [transfer["amount_reversed"] for transfer in fake.account.transfers.values()] == [45]  # 125 x 50 / 138
    assert await holding_of(client, AccountKind.HOST_PAYABLE, setting.host.user_id) == 0
    assert await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None) == FEE - 5
    assert await holding_of(client, AccountKind.DRIVER_RECEIVABLE, setting.driver.user_id) == 0
    assert await differences(client) == []

"""Refunds: a credit CDR gives the driver back what it credits, as far as the session was charged; the host's
share and the platform's fee go back in proportion, and all of a CDR's credits together cancel its charge to the
unit. A whole refund is the charge's reversal. The books reconcile after each."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import REVERSAL
from tests.hub.bookings.helpers import Actor, Clock
from tests.hub.charging.helpers import end, start
from tests.hub.conftest import clocked_app

from .helpers import Setting, booked_charger, differences, holding_of, payments, postings

CHARGED, HOST_SHARE, FEE = 138, 125, 13  # a 5 kWh session (helpers.py), 10 % platform fee


async def _charged_session(client: Any, clock: Clock, *, wallet: int = 1000) -> tuple[Setting, str]:
    setting = await booked_charger(client, wallet=wallet)
    clock.advance(minutes=30)
    await payments(client).sweep()
    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)
    return setting, cdr.id


async def _refund(client: Any, who: Actor, cdr_id: str, key: str | None = None, **body: Any) -> Any:
    headers = who.headers | ({} if key is None else {"Idempotency-Key": key})
    response = await client.post(
        f"/api/v1/cdrs/{cdr_id}/credits", json={"reason": "Charger stopped early", **body}, headers=headers
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def _books(client: Any, setting: Setting) -> tuple[int, int, int, int]:
    """The driver's wallet, the host's payable, the platform's fee revenue, the driver's receivable."""
    return (
        await holding_of(client, AccountKind.DRIVER_WALLET, setting.driver.user_id),
        await holding_of(client, AccountKind.HOST_PAYABLE, setting.host.user_id),
        await holding_of(client, AccountKind.PLATFORM_FEE_REVENUE, None),
        await holding_of(client, AccountKind.DRIVER_RECEIVABLE, setting.driver.user_id),
    )


async def test_a_full_refund_reverses_the_charge_and_puts_it_back_in_the_wallet(client: Any, clock: Clock) -> None:
    setting, cdr_id = await _charged_session(client, clock)
    assert await _books(client, setting) == (1000 - CHARGED, HOST_SHARE, FEE, 0)

    await _refund(client, setting.host, cdr_id)

    assert await _books(client, setting) == (1000, 0, 0, 0)
    assert await postings(client, "session.refund") == 1
    assert await postings(client, REVERSAL) == 0  # the reversal is recorded as what it is: a refund
    assert await differences(client) == []


async def test_partial_refunds_give_back_shares_in_proportion_and_together_cancel_the_charge(
    client: Any, clock: Clock
) -> None:
    setting, cdr_id = await _charged_session(client, clock)

    await _refund(client, setting.host, cdr_id, amount=50)
    after_first = await _books(client, setting)
    await _refund(client, setting.host, cdr_id, amount=30)
    await _refund(client, setting.host, cdr_id)  # the rest: 58

    assert after_first == (1000 - CHARGED + 50, HOST_SHARE - 45, FEE - 5, 0)
    assert await _books(client, setting) == (1000, 0, 0, 0)
    assert await postings(client, "session.refund") == 3
    assert await differences(client) == []


async def test_a_refund_beyond_what_the_hold_captured_gives_back_the_captured_amount_only(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock
) -> None:
    client = await aiohttp_client(clocked_app(replace(hub_config, payment_hold_cap_minor=100), db, clock))
    setting, cdr_id = await _charged_session(client, clock)  # costs 138, the hold captured 100

    await _refund(client, setting.host, cdr_id, amount=120)
    await _refund(client, setting.host, cdr_id)  # the CDR's last 18: nothing was charged of it

    assert await _books(client, setting) == (1000, 0, 0, 0)
    assert await postings(client, "session.refund") == 1
    assert await differences(client) == []


async def test_a_refund_of_a_session_that_was_never_charged_gives_a_credit_cdr_and_moves_no_money(
    client: Any, clock: Clock
) -> None:
    setting = await booked_charger(client, wallet=1000)
    clock.advance(minutes=30)  # no sweep ran: no hold was placed, so the session was not charged
    await start(client, setting.host, setting.location_id, id_tag="TAG1")
    cdr = await end(client, setting.host, minutes=60, meter_wh=6_000)

    credit = await _refund(client, setting.host, cdr.id)

    assert credit["total_cost"]["incl_vat"] == -1.38
    assert await _books(client, setting) == (1000, 0, 0, 0)
    assert await postings(client, "session.refund") == 0


async def test_a_repeated_refund_request_gives_the_money_back_once(client: Any, clock: Clock) -> None:
    setting, cdr_id = await _charged_session(client, clock)

    first = await _refund(client, setting.host, cdr_id, key="refund-1", amount=50)
    again = await _refund(client, setting.host, cdr_id, key="refund-1", amount=50)

    assert first == again
    assert await _books(client, setting) == (1000 - CHARGED + 50, HOST_SHARE - 45, FEE - 5, 0)
    assert await postings(client, "session.refund") == 1


async def test_a_refund_after_the_host_was_paid_leaves_the_host_owing_it(client: Any, clock: Clock) -> None:
    setting, cdr_id = await _charged_session(client, clock)
    await _refund(client, setting.host, cdr_id, amount=100)

    wallet, payable, revenue, receivable = await _books(client, setting)

    assert (wallet, receivable) == (962, 0)
    assert payable == HOST_SHARE - 91  # 100 less its 10 % fee share (9)
    assert revenue == FEE - 9
    assert await differences(client) == []

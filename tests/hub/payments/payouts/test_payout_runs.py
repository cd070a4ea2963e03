"""A payout run pays each host, in each currency, the whole of what the platform owes them once it reaches the
threshold: one "payout" posting per payout, from the host's payable to the processor's clearing account, written
in one batch. It is idempotent by construction (a paid payable holds nothing), and a payable below the threshold
or below zero waits. The books reconcile after every run."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.tables import LedgerPosting
from tests.hub.bookings.helpers import Clock, actor
from tests.hub.conftest import clocked_app
from tests.hub.payments.helpers import database, differences, holding_of, postings

from .helpers import EARNED, charged_session, earned, paid_out, payouts


async def test_a_payable_at_the_threshold_or_above_is_paid_out_whole_in_one_posting(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)

    run = await payouts(client).run()

    (payout,) = await paid_out(client)
    assert (payout.host_id, payout.currency, payout.amount_minor, payout.status) == (
        charged.host.user_id, "EUR", EARNED, "PENDING",
    )  # fmt: skip
    assert payout.batch == run.batch == f"{clock.now:%Y%m%dT%H%M%SZ}"
    async with database(client).read() as session:
        posting = await session.scalar(select(LedgerPosting).where(LedgerPosting.id == payout.posting_id))
    assert posting is not None
    assert (posting.kind, posting.reference) == ("payout", f"payout:{payout.id}")
    assert await holding_of(client, AccountKind.HOST_PAYABLE, charged.host.user_id) == 0
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None) == 1000 - EARNED  # the top-up, less it
    assert await differences(client) == []


@pytest.mark.parametrize(
    ("threshold", "paid"),
    [(EARNED, [EARNED]), (EARNED + 1, []), (HubConfig().payout_threshold_minor, [])],
    ids=["reached", "one-short", "default-25-eur"],
)
async def test_a_payable_is_paid_out_once_it_reaches_the_threshold(
    hub_config: HubConfig, db: Database, aiohttp_client: Any, clock: Clock, threshold: int, paid: list[int]
) -> None:
    client = await aiohttp_client(clocked_app(replace(hub_config, payout_threshold_minor=threshold), db, clock))
    charged = await charged_session(client, clock)

    await payouts(client).run()

    assert [payout.amount_minor for payout in await paid_out(client)] == paid
    assert await holding_of(client, AccountKind.HOST_PAYABLE, charged.host.user_id) == EARNED - sum(paid)
    assert await differences(client) == []


async def test_a_second_run_right_after_pays_nothing(client: Any, clock: Clock) -> None:
    await charged_session(client, clock)
    first = await payouts(client).run()

    second = await payouts(client).run()

    assert (bool(first), bool(second)) == (True, False)
    assert second.payouts == 0
    assert len(await paid_out(client)) == 1
    assert await postings(client, "payout") == 1
    assert await differences(client) == []


async def test_a_payable_below_zero_after_a_refund_gets_nothing(client: Any, clock: Clock) -> None:
    charged = await charged_session(client, clock)
    await payouts(client).run()
    refund = await client.post(
        f"/api/v1/cdrs/{charged.cdr.id}/credits", json={"reason": "Goodwill"}, headers=charged.host.headers
    )
    assert refund.status == 201, await refund.text()

    run = await payouts(client).run()

    assert run.payouts == 0
    assert await holding_of(client, AccountKind.HOST_PAYABLE, charged.host.user_id) == -EARNED
    assert await differences(client) == []


async def test_every_host_is_paid_in_each_currency_and_the_run_sums_it_up_for_the_log(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    anna = await actor(client, "anna@example.org", host=True)
    ben = await actor(client, "ben@example.org", host=True)
    cleo = await actor(client, "cleo@example.org", host=True)
    await earned(client, anna.user_id, driver.user_id, 300, "EUR")
    await earned(client, anna.user_id, driver.user_id, 150, "CHF")
    await earned(client, ben.user_id, driver.user_id, 99, "EUR")  # below the threshold of 100
    await earned(client, cleo.user_id, driver.user_id, 100, "EUR")

    run = await payouts(client).run()

    assert [(p.host_id, p.currency, p.amount_minor) for p in await paid_out(client)] == [
        (anna.user_id, "CHF", 150), (anna.user_id, "EUR", 300), (cleo.user_id, "EUR", 100),
    ]  # fmt: skip
    assert {payout.batch for payout in await paid_out(client)} == {run.batch}
    assert str(run) == f"batch {run.batch}: 3 payout(s) of 150 CHF, 400 EUR (minor units)"
    assert await holding_of(client, AccountKind.HOST_PAYABLE, ben.user_id) == 99
    assert await holding_of(client, AccountKind.PROCESSOR_CLEARING, None, "CHF") == -150
    assert await differences(client) == []


async def test_two_runs_at_once_pay_a_payable_once(client: Any) -> None:
    driver = await actor(client, "driver@example.org")
    host = await actor(client, "host@example.org", host=True)
    await earned(client, host.user_id, driver.user_id, 300, "EUR")

    runs = await asyncio.gather(payouts(client).run(), payouts(client).run())

    assert sorted(run.payouts for run in runs) == [0, 1]
    assert [payout.amount_minor for payout in await paid_out(client)] == [300]
    assert await holding_of(client, AccountKind.HOST_PAYABLE, host.user_id) == 0
    assert await differences(client) == []

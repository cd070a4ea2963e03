"""Postings written at the same moment follow each other on every account they share: on PostgreSQL each waits
for the row locks of the accounts it touches, on SQLite for the single writer. Running balances stay the sums,
and a wallet is never spent twice."""

from __future__ import annotations

import asyncio

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.errors import InsufficientFunds
from chargeshare_hub.ledger.postings import credit, debit, post
from chargeshare_hub.ledger.reconciliation import reconcile

from .helpers import NOW, books, top_up


async def test_thirty_spends_at_once_of_a_wallet_that_covers_ten_leave_it_at_zero(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 1000)

    async def spend() -> bool:
        try:
            async with db.write() as session:
                await post(session, [debit(accounts.wallet, 100), credit(accounts.receivable, 100)], kind="pay", at=NOW)
        except InsufficientFunds:
            return False
        return True

    outcomes = await asyncio.gather(*(spend() for _ in range(30)))

    assert outcomes.count(True) == 10
    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 0
        assert (await reconcile(session)).differences == []


async def test_concurrent_postings_sharing_the_platform_s_accounts_keep_running_balances_the_sums(
    db: Database,
) -> None:
    drivers = [await books(db, driver=f"driver{index}@example.org") for index in range(10)]

    async def charges(index: int) -> int:
        accounts, total = drivers[index], 0
        for amount in range(100, 600, 100):
            lines = [
                debit(accounts.receivable, amount),
                credit(accounts.payable, amount - 10),
                credit(accounts.fees, 10),
            ]
            turn = (index + amount // 100) % len(lines)
            lines = lines[turn:] + lines[:turn]  # locks are taken in account order whatever the order of the lines
            async with db.write() as session:
                await post(session, lines, kind="cdr.completed", at=NOW)
            total += 10
        return total

    fees = sum(await asyncio.gather(*(charges(index) for index in range(10))))

    async with db.read() as session:
        assert await holding(session, drivers[0].fees) == fees == 500
        assert [await holding(session, accounts.receivable) for accounts in drivers] == [1500] * 10
        assert (await reconcile(session)).differences == []

"""Several postings written together (a payout run, flows written in one go) end exactly as the same postings
written one after the other would; one refused refuses them all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.errors import InsufficientFunds
from chargeshare_hub.ledger.postings import Posting, credit, debit, post_many
from chargeshare_hub.ledger.reconciliation import reconcile
from chargeshare_hub.ledger.tables import LedgerPosting

from .helpers import NOW, Books, books, top_up


def _session_paid_from_the_wallet(accounts: Books, cost: int, fee: int) -> list[Posting]:
    return [
        Posting(
            [debit(accounts.receivable, cost), credit(accounts.payable, cost - fee), credit(accounts.fees, fee)],
            "cdr.completed",
        ),
        Posting([debit(accounts.wallet, cost), credit(accounts.receivable, cost)], "wallet.capture"),
    ]


async def test_postings_written_together_leave_the_balances_of_one_after_the_other(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 2500)

    async with db.write() as session:
        posted = await post_many(
            session,
            [*_session_paid_from_the_wallet(accounts, 1000, 120), *_session_paid_from_the_wallet(accounts, 800, 96)],
            at=NOW,
        )

    assert [p.kind for p in posted] == ["cdr.completed", "wallet.capture"] * 2
    assert posted[-1].holdings[accounts.wallet.id] == 700  # after each posting, as it stood then
    assert posted[1].holdings[accounts.wallet.id] == 1500
    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 700
        assert await holding(session, accounts.payable) == 880 + 704
        assert await holding(session, accounts.fees) == 216
        assert await holding(session, accounts.receivable) == 0
        assert (await reconcile(session)).differences == []


async def test_one_posting_refused_refuses_the_others_written_with_it(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 1500)

    with pytest.raises(InsufficientFunds):
        async with db.write() as session:
            # The first two fit the wallet; the second capture would take it below zero.
            await post_many(
                session,
                [
                    *_session_paid_from_the_wallet(accounts, 1000, 120),
                    *_session_paid_from_the_wallet(accounts, 800, 96),
                ],
                at=NOW,
            )

    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 1500
        assert await session.scalar(select(func.count(LedgerPosting.id))) == 1  # the top-up only

"""A correction is a reversal: the mirror posting of the original, written once, never an edit."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.errors import InsufficientFunds, LedgerError
from chargeshare_hub.ledger.postings import Line, credit, debit, post, reverse
from chargeshare_hub.ledger.tables import LedgerPosting
from chargeshare_hub.web.errors import ApiError

from .helpers import NOW, books, top_up


async def test_a_reversal_negates_every_line_and_restores_the_balances(db: Database) -> None:
    accounts = await books(db)
    async with db.write() as session:
        original = await post(
            session,
            [debit(accounts.receivable, 1000), credit(accounts.payable, 880), credit(accounts.fees, 120)],
            kind="cdr.completed",
            at=NOW,
            reference="cdr:S1",
        )

    async with db.write() as session:
        reversal = await reverse(session, original.id, at=NOW, memo="refund in full")

    assert reversal.reversal_of == original.id
    assert (reversal.kind, reversal.reference, reversal.memo) == ("reversal", "cdr:S1", "refund in full")
    assert reversal.lines == (
        Line(accounts.receivable.id, "EUR", -1000),
        Line(accounts.payable.id, "EUR", 880),
        Line(accounts.fees.id, "EUR", 120),
    )
    async with db.read() as session:
        assert [await holding(session, account) for account in (accounts.receivable, accounts.payable)] == [0, 0]


async def test_a_posting_is_reversed_at_most_once(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 700)
    async with db.write() as session:
        await reverse(session, topped_up.id, at=NOW)

    with pytest.raises(ApiError) as refused:
        async with db.write() as session:
            await reverse(session, topped_up.id, at=NOW)

    assert (refused.value.status, refused.value.code) == (409, "already_reversed")


async def test_a_reversal_is_not_reversed(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 700)
    async with db.write() as session:
        reversal = await reverse(session, topped_up.id, at=NOW)

    with pytest.raises(ApiError) as refused:
        async with db.write() as session:
            await reverse(session, reversal.id, at=NOW)

    assert (refused.value.status, refused.value.code) == (409, "reversal_of_reversal")


async def test_a_reversal_that_would_empty_a_wallet_below_zero_is_refused(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 1000)
    async with db.write() as session:
        await post(session, [debit(accounts.wallet, 800), credit(accounts.receivable, 800)], kind="pay", at=NOW)

    with pytest.raises(InsufficientFunds):
        async with db.write() as session:
            await reverse(session, topped_up.id, at=NOW)

    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 200


async def test_reversing_a_posting_that_does_not_exist_is_refused(db: Database) -> None:
    with pytest.raises(LedgerError, match="unknown_posting"):
        async with db.write() as session:
            await reverse(session, 12345, at=NOW)


async def test_the_database_refuses_a_second_reversal_whatever_the_code_checked(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 700)
    async with db.write() as session:
        await reverse(session, topped_up.id, at=NOW)

    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await session.execute(
                insert(LedgerPosting).values(kind="reversal", created_at=NOW, reversal_of=topped_up.id)
            )

"""Postings are double entry: two lines or more, whole non-zero minor units, summing to zero in each currency, each
in its account's currency; a driver's wallet never goes below zero. A refused posting writes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding
from chargeshare_hub.ledger.errors import InsufficientFunds, LedgerError
from chargeshare_hub.ledger.postings import Line, credit, debit, post
from chargeshare_hub.ledger.tables import LedgerEntry, LedgerPosting
from chargeshare_hub.ledger.validation import MAX_AMOUNT

from .helpers import NOW, Books, books, top_up


async def _holdings(db: Database, accounts: Books) -> dict[str, int]:
    async with db.read() as session:
        return {
            name: await holding(session, getattr(accounts, name))
            for name in ("wallet", "receivable", "payable", "fees", "clearing", "processor_fees")
        }


async def _rows(db: Database) -> tuple[int, int]:
    async with db.read() as session:
        postings = await session.scalar(select(func.count(LedgerPosting.id)))
        entries = await session.scalar(select(func.count(LedgerEntry.id)))
    return int(postings or 0), int(entries or 0)


async def test_a_charged_session_and_its_capture_from_the_wallet_move_the_balances(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 2500)

    async with db.write() as session:
        completed = await post(
            session,
            [debit(accounts.receivable, 1000), credit(accounts.payable, 880), credit(accounts.fees, 120)],
            kind="cdr.completed",
            at=NOW,
            reference="cdr:S1",
            memo="€10.00 session, 12 % fee",
        )
        await post(
            session,
            [debit(accounts.wallet, 1000), credit(accounts.receivable, 1000)],
            kind="cdr.captured",
            at=NOW,
            reference="cdr:S1",
        )

    assert completed.holdings == {accounts.receivable.id: 1000, accounts.payable.id: 880, accounts.fees.id: 120}
    assert await _holdings(db, accounts) == {
        "wallet": 1500,
        "receivable": 0,
        "payable": 880,
        "fees": 120,
        "clearing": 2500,
        "processor_fees": 0,
    }


async def test_a_posting_balanced_in_each_of_two_currencies_is_accepted(db: Database) -> None:
    euros, dollars = await books(db, "EUR"), await books(db, "USD", driver="usd@example.org")

    async with db.write() as session:
        posted = await post(
            session,
            [
                debit(euros.clearing, 100),
                credit(euros.fees, 100),
                debit(dollars.clearing, 110),
                credit(dollars.fees, 110),
            ],
            kind="fx.example",
            at=NOW,
        )

    assert len(posted.lines) == 4


def _line(accounts: Books, name: str, amount: Any, currency: str | None = None) -> Line:
    account = getattr(accounts, name)
    return Line(account.id, currency or account.currency, amount)


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ([], "too_few_lines"),
        ([("clearing", 0)], "too_few_lines"),
        ([("clearing", 100), ("fees", -99)], "unbalanced"),
        ([("clearing", 100), ("fees", -100), ("payable", 0)], "zero_line"),
        ([("clearing", 100.0), ("fees", -100.0)], "not_whole"),
        ([("clearing", Decimal(100)), ("fees", Decimal(-100))], "not_whole"),
        ([("clearing", "100"), ("fees", "-100")], "not_whole"),
        ([("clearing", True), ("fees", -1)], "not_whole"),
        ([("clearing", MAX_AMOUNT + 1), ("fees", -MAX_AMOUNT - 1)], "too_large"),
        ([("clearing", 100), ("fees", -60), ("fees", -40)], "duplicate_account"),
        ([("clearing", 100), ("fees", -100, "USD")], "unbalanced"),  # 100 EUR against 100 USD
        ([("clearing", 100, "USD"), ("fees", -100, "USD")], "currency_mismatch"),  # EUR accounts
    ],
)
async def test_a_posting_that_is_not_double_entry_is_refused_and_writes_nothing(
    db: Database, lines: list[tuple[Any, ...]], code: str
) -> None:
    accounts = await books(db)

    with pytest.raises(LedgerError) as refused:
        async with db.write() as session:
            await post(session, [_line(accounts, *line) for line in lines], kind="bad", at=NOW)

    assert refused.value.code == code
    assert await _rows(db) == (0, 0)


async def test_a_line_on_an_account_that_does_not_exist_is_refused(db: Database) -> None:
    accounts = await books(db)

    with pytest.raises(LedgerError, match="unknown_account"):
        async with db.write() as session:
            await post(session, [debit(accounts.clearing, 5), Line(999_999, "EUR", -5)], kind="bad", at=NOW)


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"kind": ""}, "invalid_kind"),
        ({"kind": "k" * 41}, "invalid_kind"),
        ({"reference": ""}, "invalid_reference"),
        ({"reference": "r" * 81}, "invalid_reference"),
        ({"memo": "m" * 301}, "invalid_memo"),
    ],
)
async def test_a_posting_described_out_of_bounds_is_refused(db: Database, changes: dict[str, str], code: str) -> None:
    accounts = await books(db)

    with pytest.raises(LedgerError, match=code):
        async with db.write() as session:
            await post(
                session, [debit(accounts.clearing, 5), credit(accounts.fees, 5)], at=NOW, **{"kind": "ok", **changes}
            )


@pytest.mark.parametrize("amount", [0, -5, 2.5])
async def test_debit_and_credit_take_a_positive_whole_amount(db: Database, amount: Any) -> None:
    accounts = await books(db)

    for side in (debit, credit):
        with pytest.raises(LedgerError):
            side(accounts.clearing, amount)


async def test_spending_more_than_the_wallet_holds_is_refused_with_409_and_changes_nothing(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 500)

    with pytest.raises(InsufficientFunds) as refused:
        async with db.write() as session:
            await post(session, [debit(accounts.wallet, 501), credit(accounts.receivable, 501)], kind="pay", at=NOW)

    assert (refused.value.status, refused.value.code) == (409, "insufficient_funds")
    assert (refused.value.holding, refused.value.needed) == (500, 501)
    assert (await _holdings(db, accounts))["wallet"] == 500
    assert await _rows(db) == (1, 2)


async def test_spending_exactly_what_the_wallet_holds_empties_it(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 500)

    async with db.write() as session:
        posted = await post(
            session, [debit(accounts.wallet, 500), credit(accounts.receivable, 500)], kind="pay", at=NOW
        )

    assert posted.holdings[accounts.wallet.id] == 0


async def test_accounts_that_may_go_below_zero_do(db: Database) -> None:
    """A receivable credited before it was debited, say: only wallets are held to zero."""
    accounts = await books(db)

    async with db.write() as session:
        posted = await post(session, [debit(accounts.payable, 300), credit(accounts.receivable, 300)], kind="x", at=NOW)

    assert posted.holdings == {accounts.payable.id: -300, accounts.receivable.id: -300}

"""What an account holds is read on its own side (a topped-up wallet holds a positive amount), and its history
comes newest first in pages that entries posted meanwhile do not shift."""

from __future__ import annotations

import pytest

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import MAX_PAGE, history, holding
from chargeshare_hub.ledger.postings import credit, debit, post

from .helpers import NOW, books, top_up


async def test_an_account_without_entries_holds_nothing(db: Database) -> None:
    accounts = await books(db)
    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 0
        assert (await history(session, accounts.wallet)).movements == []


async def test_the_history_shows_each_movement_on_the_account_s_side_with_the_holding_after_it(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 2000)
    async with db.write() as session:
        paid = await post(
            session,
            [debit(accounts.wallet, 750), credit(accounts.receivable, 750)],
            kind="cdr.captured",
            at=NOW,
            reference="cdr:S1",
            memo="Charging at Anna's",
        )

    async with db.read() as session:
        page = await history(session, accounts.wallet)

    assert [(m.posting_id, m.kind, m.amount, m.holding_after) for m in page.movements] == [
        (paid.id, "cdr.captured", -750, 1250),
        (topped_up.id, "wallet.top_up", 2000, 2000),
    ]
    assert (page.movements[0].reference, page.movements[0].memo, page.movements[0].created_at) == (
        "cdr:S1",
        "Charging at Anna's",
        NOW,
    )
    assert page.next_cursor is None


async def test_pages_continue_where_the_last_ended_even_after_new_postings(db: Database) -> None:
    accounts = await books(db)
    for amount in range(1, 8):
        await top_up(db, accounts, amount)

    async with db.read() as session:
        first = await history(session, accounts.wallet, limit=3)
    await top_up(db, accounts, 100)
    async with db.read() as session:
        second = await history(session, accounts.wallet, before=first.next_cursor, limit=3)
        third = await history(session, accounts.wallet, before=second.next_cursor, limit=3)

    assert [[m.amount for m in page.movements] for page in (first, second, third)] == [[7, 6, 5], [4, 3, 2], [1]]
    assert third.next_cursor is None


@pytest.mark.parametrize("limit", [0, MAX_PAGE + 1])
async def test_a_page_holds_1_to_500_movements(db: Database, limit: int) -> None:
    accounts = await books(db)
    with pytest.raises(ValueError, match="limit"):
        async with db.read() as session:
            await history(session, accounts.wallet, limit=limit)

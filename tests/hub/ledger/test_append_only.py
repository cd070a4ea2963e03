"""Money cannot be edited, not even by SQL behind the hub's back: the database refuses every change and deletion
of accounts, postings and entries (and, on PostgreSQL, emptying their tables)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.balances import holding

from .helpers import books, top_up


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE ledger_entries SET amount = amount * 2",
        "UPDATE ledger_entries SET balance_after = 0",
        "DELETE FROM ledger_entries",
        "UPDATE ledger_postings SET memo = 'edited'",
        "DELETE FROM ledger_postings",
        "UPDATE ledger_accounts SET currency = 'USD'",
        "DELETE FROM ledger_accounts",
    ],
)
async def test_sql_that_would_change_or_delete_money_fails(db: Database, statement: str) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 1500)

    with pytest.raises(DBAPIError, match="ledger_append_only"):
        async with db.write() as session:
            await session.execute(text(statement))

    async with db.read() as session:
        assert await holding(session, accounts.wallet) == 1500


@pytest.mark.parametrize("table", ["ledger_entries", "ledger_postings", "ledger_accounts"])
async def test_postgresql_refuses_to_truncate_the_ledger(db: Database, table: str) -> None:
    if db.is_sqlite:
        pytest.skip("SQLite has no TRUNCATE (its DELETE is refused above)")
    accounts = await books(db)
    await top_up(db, accounts, 1500)

    with pytest.raises(DBAPIError, match="ledger_append_only"):
        async with db.write() as session:
            await session.execute(text(f"TRUNCATE {table} CASCADE"))

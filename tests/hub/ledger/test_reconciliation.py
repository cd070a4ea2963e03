"""Reconciliation finds every broken invariant in rows written behind the ledger's back (inserts are all the
database lets through), and nothing in a ledger the service wrote; `chargeshare-hub reconcile` prints what it
found and exits 1 when there is anything."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import insert, select

from chargeshare_hub.cli import main
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.postings import credit, debit, post, reverse
from chargeshare_hub.ledger.reconciliation import Difference, reconcile
from chargeshare_hub.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting

from .helpers import NOW, books, top_up


async def _forge(
    db: Database, lines: list[tuple[LedgerAccount, int]], *, reversal_of: int | None = None, skew: int = 0
) -> int:
    """A posting inserted directly, each entry with its true running balance (the last one's off by `skew`)."""
    async with db.write() as session:
        posting_id = await session.scalar(
            insert(LedgerPosting)
            .values(kind="forged", created_at=NOW, reversal_of=reversal_of)
            .returning(LedgerPosting.id)
        )
        for index, (account, amount) in enumerate(lines):
            stored = await session.scalar(
                select(LedgerEntry.balance_after)
                .where(LedgerEntry.account_id == account.id)
                .order_by(LedgerEntry.id.desc())
                .limit(1)
            )
            off = skew if index == len(lines) - 1 else 0
            await session.execute(
                insert(LedgerEntry).values(
                    posting_id=posting_id,
                    account_id=account.id,
                    amount=amount,
                    balance_after=(stored or 0) + amount + off,
                )
            )
    assert posting_id is not None
    return posting_id


async def _differences(db: Database) -> list[Difference]:
    async with db.read() as session:
        return (await reconcile(session)).differences


async def test_a_ledger_written_by_the_service_reconciles(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 3000)
    async with db.write() as session:
        completed = await post(
            session,
            [debit(accounts.receivable, 1000), credit(accounts.payable, 880), credit(accounts.fees, 120)],
            kind="cdr.completed",
            at=NOW,
        )
        await post(session, [debit(accounts.wallet, 1000), credit(accounts.receivable, 1000)], kind="pay", at=NOW)
        await reverse(session, completed.id, at=NOW)
    other = await books(db, "USD", driver="usd@example.org")
    await top_up(db, other, 10)

    async with db.read() as session:
        result = await reconcile(session)

    assert result.differences == []
    assert (result.accounts, result.postings, result.entries) == (12, 5, 12)


async def test_an_unbalanced_posting_is_found(db: Database) -> None:
    accounts = await books(db)
    forged = await _forge(db, [(accounts.clearing, 100), (accounts.fees, -90)])

    assert await _differences(db) == [Difference("unbalanced", f"posting {forged}", "its EUR lines sum to 10, not 0")]


async def test_postings_with_fewer_than_two_lines_are_found(db: Database) -> None:
    accounts = await books(db)
    empty = await _forge(db, [])
    single = await _forge(db, [(accounts.clearing, 100)])

    assert await _differences(db) == [
        Difference("unbalanced", f"posting {single}", "its EUR lines sum to 100, not 0"),
        Difference("too_few_lines", f"posting {empty}", "0 line(s)"),
        Difference("too_few_lines", f"posting {single}", "1 line(s)"),
    ]


async def test_a_running_balance_that_is_not_the_sum_is_found(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 500)
    await _forge(db, [(accounts.clearing, 100), (accounts.fees, -100)], skew=1)

    async with db.read() as session:
        entry_id = await session.scalar(select(LedgerEntry.id).order_by(LedgerEntry.id.desc()).limit(1))
    assert await _differences(db) == [
        Difference("running_balance", f"entry {entry_id} of account {accounts.fees.id}", "stores -99, sums to -100")
    ]


async def test_a_wallet_taken_below_zero_is_found(db: Database) -> None:
    accounts = await books(db)
    await top_up(db, accounts, 500)
    await _forge(db, [(accounts.wallet, 800), (accounts.receivable, -800)])

    differences = await _differences(db)

    assert [(d.check, d.detail) for d in differences] == [("negative_balance", "the driver_wallet held -300")]


async def test_a_reversal_that_does_not_mirror_its_original_is_found(db: Database) -> None:
    accounts = await books(db)
    topped_up = await top_up(db, accounts, 1000)
    forged = await _forge(db, [(accounts.clearing, -400), (accounts.wallet, 400)], reversal_of=topped_up.id)

    differences = await _differences(db)

    def unmatched(side: str, amount: int, account: LedgerAccount) -> str:
        return f"reversal_mismatch: posting {forged}: the {side}'s line {amount} on account {account.id} has no mirror"

    assert sorted(str(d) for d in differences) == [
        unmatched("original", -1000, accounts.wallet),
        unmatched("original", 1000, accounts.clearing),
        unmatched("reversal", -400, accounts.clearing),
        unmatched("reversal", 400, accounts.wallet),
    ]


def test_the_command_prints_the_differences_and_exits_1(
    hub_config: HubConfig, db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    arguments = ["--data-dir", str(hub_config.data_dir), "--database", hub_config.database_url, "reconcile"]

    async def clean_ledger() -> None:
        fresh = Database(hub_config.database_url)
        try:
            await top_up(fresh, await books(fresh), 500)
        finally:
            await fresh.close()

    async def broken_wallet() -> int:
        fresh = Database(hub_config.database_url)
        try:
            accounts = await books(fresh, driver="second@example.org")
            await _forge(fresh, [(accounts.wallet, 1), (accounts.clearing, -1)])
        finally:
            await fresh.close()
        return accounts.wallet.id

    asyncio.run(clean_ledger())
    assert main(arguments) == 0
    assert capsys.readouterr().out.strip() == "Ledger reconciled: 1 postings, 2 entries, 6 accounts, no differences"

    wallet_id = asyncio.run(broken_wallet())
    assert main(arguments) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"negative_balance: entry 3 of account {wallet_id}: the driver_wallet held -1"
    assert out[1] == "Ledger: 1 difference(s) in 2 postings, 4 entries, 9 accounts"


def test_the_command_refuses_a_database_that_is_not_migrated(
    tmp_path: object, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "reconcile"]) == 2

    assert "run `chargeshare-hub migrate` first" in capsys.readouterr().err

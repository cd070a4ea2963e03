"""The ledger at scale: postings per second through the service, and balance and history reads over many entries.

For each backend (a fresh SQLite file; with --postgres that PostgreSQL database, dropped and recreated) it opens
the accounts of DRIVERS drivers and HOSTS hosts, seeds ENTRIES entries with bulk SQL (top-ups of 1.00 spread
round the drivers' wallets, each entry with its true running balance, so the seeded ledger reconciles), then
writes POSTINGS postings through `ledger.postings` from WRITERS tasks (top-up, charge with a 12 % fee, capture
from the wallet, in turn), with a transaction per posting, with ten `post` calls in a transaction (as a flow
writes several), and fifty in one `post_many` (a payout run, a group commit), and, for scale, as many
one-statement write transactions. It times QUERIES balance reads and history pages (the newest 50, and 50 from
the middle of a history) of random wallets and of the busiest account, the processor's clearing account, which
has half of all the entries; then it reconciles the whole ledger. The aims (issue 8): at least 2,000 postings a
second on SQLite, a balance in at most 5 ms (with 10 million entries).

    .venv/bin/python -m bench.ledger [--entries 10000000] [--postings 5000] [--postgres postgresql://...]
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
import random
import statistics
import tempfile
import time

from sqlalchemy import BigInteger, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.config import HubConfig
from chargeshare_hub.db.base import UtcDateTime
from chargeshare_hub.db.engine import Database
from chargeshare_hub.db.migrate import migrate
from chargeshare_hub.ledger.balances import history, holding
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import Line, Posting, credit, debit, post, post_many
from chargeshare_hub.ledger.reconciliation import reconcile
from chargeshare_hub.ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting

from .postgres_database import recreate_database

AIM_POSTINGS_PER_S = 2000
AIM_BALANCE_MS = 5.0
SEED_AMOUNT = 100  # one amount for every seeded top-up, so running balances follow from the posting's number
SEED_CHUNK = 500_000  # postings per seeding statement
GROUPED = 10  # postings in one transaction, as a flow or a group commit writes several at once
TOGETHER = 50  # postings in one `post_many`, as a payout run or a group commit of flows writes them
NOW = datetime(2026, 3, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Books:
    wallets: list[LedgerAccount]
    receivables: list[LedgerAccount]
    payables: list[LedgerAccount]
    fees: LedgerAccount
    clearing: LedgerAccount


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000_000, help="seeded with bulk SQL before the timing")
    parser.add_argument("--postings", type=int, default=5000, help="written through the service, timed")
    parser.add_argument("--writers", type=int, default=1, help="tasks writing postings at once")
    parser.add_argument("--queries", type=int, default=500, help="of each kind of read")
    parser.add_argument("--drivers", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--postgres", help="also run on this PostgreSQL database (dropped and recreated)")
    parser.add_argument("--sqlite-dir", type=Path, help="where the SQLite file goes (default: a temporary dir)")
    args = parser.parse_args(argv)
    if min(args.postings, args.writers, args.queries, args.drivers, args.hosts) < 1 or args.entries < 0:
        parser.error("--postings, --writers, --queries, --drivers and --hosts are at least 1")
    asyncio.run(_run(args))


async def _run(args: argparse.Namespace) -> None:
    print(f"Ledger benchmark: {args.entries} seeded entries, {args.postings} postings through the service from "
          f"{args.writers} writers, {args.queries} reads of each kind")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        directory = args.sqlite_dir or Path(scratch)
        directory.mkdir(parents=True, exist_ok=True)
        sqlite_file = directory / "bench-ledger.sqlite3"
        _remove_sqlite(sqlite_file)
        await _backend("SQLite", f"sqlite:///{sqlite_file}", args, aim_postings=True)
    if args.postgres:
        if await recreate_database(args.postgres):
            await _backend("PostgreSQL", args.postgres, args, aim_postings=False)
        else:
            print(f"PostgreSQL: skipped, {args.postgres} is not reachable")


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _backend(name: str, url: str, args: argparse.Namespace, *, aim_postings: bool) -> None:
    db = Database.from_config(HubConfig(data_dir=Path(tempfile.gettempdir()), database=url))
    try:
        await migrate(db)
        books = await _open_books(db, args.drivers, args.hosts)
        started = time.perf_counter()
        await _seed(db, books, args.entries // 2)
        print(f"{name}: seeded {args.entries // 2 * 2} entries in {time.perf_counter() - started:.1f} s")
        aim = f"aim >= {AIM_POSTINGS_PER_S:,}/s" if aim_postings else "(aim set for SQLite)"
        for label, per_transaction, together in (
            ("postings, one a transaction", 1, False),
            (f"postings, {GROUPED} a transaction", GROUPED, False),
            (f"postings, {TOGETHER} written together", TOGETHER, True),
        ):
            rate = await _postings_per_s(db, books, args.postings, args.writers, per_transaction, together=together)
            verdict = _verdict(rate >= AIM_POSTINGS_PER_S) if aim_postings else ""
            print(f"  {label:<34} {rate:>9,.0f}/s               {aim} {verdict}")
        ceiling = await _empty_transactions_per_s(db, args.postings)
        print(f"  {'one-statement write transactions':<34} {ceiling:>9,.0f}/s               (for scale)")
        rng = random.Random(1)
        targets = [books.clearing, *rng.choices(books.wallets, k=args.queries - 1)]
        middle = (await _max_entry_id(db)) // 2
        balance = await _timed(db, targets, holding)
        newest = await _timed(db, targets, history)
        deep = await _timed(db, targets, lambda session, account: history(session, account, before=middle))
        _report("balance", balance, f"aim p95 <= {AIM_BALANCE_MS:g} ms {_verdict(_p95(balance) <= AIM_BALANCE_MS)}")
        _report("history, newest 50", newest, "")
        _report("history, 50 from the middle", deep, "")
        started = time.perf_counter()
        async with db.read() as session:
            checked = await reconcile(session)
        print(f"  {'reconcile (every invariant)':<34} {time.perf_counter() - started:9.1f} s                "
              f"{len(checked.differences)} differences in {checked.entries} entries")  # fmt: skip
    finally:
        await db.close()


async def _open_books(db: Database, drivers: int, hosts: int) -> Books:
    """Users and their accounts, ids in order (one statement each), and the platform's accounts."""
    async with db.write() as session:
        users = [
            {"email": f"{role}{index}@bench.example", "password_hash": "!", "name": f"{role} {index}",
             "is_host": role == "host", "is_driver": role == "driver", "is_admin": False, "created_at": NOW}
            for role, count in (("driver", drivers), ("host", hosts)) for index in range(count)
        ]  # fmt: skip
        await session.execute(insert(User), users)
        ids = list(await session.scalars(select(User.id).order_by(User.id)))
        driver_ids, host_ids = ids[:drivers], ids[drivers:]
        for kind, owners in (
            (AccountKind.DRIVER_WALLET, driver_ids),
            (AccountKind.DRIVER_RECEIVABLE, driver_ids),
            (AccountKind.HOST_PAYABLE, host_ids),
            (AccountKind.PLATFORM_FEE_REVENUE, [None]),
            (AccountKind.PROCESSOR_CLEARING, [None]),
        ):
            rows = [{"kind": kind.value, "owner_id": owner, "currency": "EUR", "created_at": NOW} for owner in owners]
            await session.execute(insert(LedgerAccount), rows)
        accounts = list(await session.scalars(select(LedgerAccount).order_by(LedgerAccount.id)))
    wallets = accounts[:drivers]
    return Books(
        wallets=wallets,
        receivables=accounts[drivers : 2 * drivers],
        payables=accounts[2 * drivers : 2 * drivers + hosts],
        fees=accounts[-2],
        clearing=accounts[-1],
    )


async def _seed(db: Database, books: Books, postings: int) -> None:
    """Top-ups 1..`postings`: posting i debits the clearing account (entry 2i-1) and credits wallet (i-1) mod D
    (entry 2i). With one amount throughout, the running balances are closed formulas of i."""
    wallet_ids = [wallet.id for wallet in books.wallets]
    assert wallet_ids == list(range(wallet_ids[0], wallet_ids[0] + len(wallet_ids)))  # one insert: consecutive
    drivers, amount = len(wallet_ids), SEED_AMOUNT
    entry_columns = ["id", "posting_id", "account_id", "amount", "balance_after"]
    for first in range(1, postings + 1, SEED_CHUNK):
        numbers = select(literal(first, BigInteger).label("i")).cte("numbers", recursive=True)
        numbers = numbers.union_all(select(numbers.c.i + 1).where(numbers.c.i < min(first + SEED_CHUNK - 1, postings)))
        i = numbers.c.i
        statements = [
            insert(LedgerPosting).from_select(
                ["id", "kind", "created_at"], select(i, literal("seed.top_up"), literal(NOW, UtcDateTime()))
            ),
            insert(LedgerEntry).from_select(
                entry_columns, select(2 * i - 1, i, literal(books.clearing.id), literal(amount), amount * i)
            ),
            insert(LedgerEntry).from_select(
                entry_columns,
                select(
                    2 * i, i, wallet_ids[0] + (i - 1) % drivers, literal(-amount), -amount * ((i - 1) // drivers + 1)
                ),
            ),
        ]
        async with db.write() as session:
            for statement in statements:
                await session.execute(statement)
    async with db.write() as session:
        if not db.is_sqlite:  # the seeded ids were given, not drawn: move the sequences past them
            for column in (LedgerPosting.id, LedgerEntry.id):
                sequence = func.pg_get_serial_sequence(column.class_.__tablename__, "id")
                await session.execute(select(func.setval(sequence, select(func.max(column)).scalar_subquery())))
        await session.execute(text("ANALYZE"))


async def _postings_per_s(
    db: Database, books: Books, postings: int, writers: int, per_transaction: int, *, together: bool
) -> float:
    """Each writer plays its own drivers in turn: top up 10.00, charge 8.00 to a host (0.96 fee), capture it from
    the wallet; so a capture always follows its top-up, and no wallet runs dry. `together`: a transaction's
    postings go in one `post_many`, else one `post` each."""

    def top_up(driver: int) -> list[Line]:
        return [debit(books.clearing, 1000), credit(_nth(books.wallets, driver), 1000)]

    def charge(driver: int) -> list[Line]:
        receivable, payable = _nth(books.receivables, driver), _nth(books.payables, driver)
        return [debit(receivable, 800), credit(payable, 704), credit(books.fees, 96)]

    def capture(driver: int) -> list[Line]:
        return [debit(_nth(books.wallets, driver), 800), credit(_nth(books.receivables, driver), 800)]

    steps = (top_up, charge, capture)

    async def writer(first: int) -> None:
        numbers = range(first, postings, writers)
        for start in range(0, len(numbers), per_transaction):
            lines = []
            for number in numbers[start : start + per_transaction]:
                cycle, step = divmod(number // writers, len(steps))
                lines.append(steps[step](first + cycle * writers))
            async with db.write() as session:
                if together:
                    await post_many(session, [Posting(posting, "bench") for posting in lines], at=NOW)
                else:
                    for posting in lines:
                        await post(session, posting, kind="bench", at=NOW)

    started = time.perf_counter()
    await asyncio.gather(*(writer(offset) for offset in range(writers)))
    return postings / (time.perf_counter() - started)


async def _empty_transactions_per_s(db: Database, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        async with db.write() as session:
            await session.execute(select(literal(1)))
    return count / (time.perf_counter() - started)


def _nth(accounts: list[LedgerAccount], index: int) -> LedgerAccount:
    return accounts[index % len(accounts)]


async def _timed(
    db: Database, accounts: list[LedgerAccount], read: Callable[[AsyncSession, LedgerAccount], Awaitable[object]]
) -> list[float]:
    """Milliseconds per read, each in a read session of its own (as an API request would make it)."""
    times = []
    for account in accounts:
        started = time.perf_counter()
        async with db.read() as session:
            await read(session, account)
        times.append((time.perf_counter() - started) * 1000)
    return times


async def _max_entry_id(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.max(LedgerEntry.id))) or 0)


def _report(label: str, times: list[float], aim: str) -> None:
    print(f"  {label:<34} p50 {statistics.median(times):6.2f} ms  p95 {_p95(times):6.2f} ms  {aim}")


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()

"""Users and their ledger accounts, made directly in the database, and a top-up to put money in a wallet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from chargeshare_hub.accounts.tables import User
from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.accounts import open_account
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.postings import Posted, credit, debit, post
from chargeshare_hub.ledger.tables import LedgerAccount

NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class Books:
    """A driver's and a host's accounts, and the platform's, in one currency."""

    driver_id: int
    host_id: int
    wallet: LedgerAccount
    receivable: LedgerAccount
    payable: LedgerAccount
    fees: LedgerAccount
    clearing: LedgerAccount
    processor_fees: LedgerAccount


async def new_user(db: Database, email: str) -> int:
    async with db.write() as session:
        user = User(email=email, password_hash="!", name=email.split("@", maxsplit=1)[0])
        session.add(user)
        await session.flush()
        return user.id


async def books(db: Database, currency: str = "EUR", *, driver: str = "driver@example.org") -> Books:
    driver_id = await new_user(db, driver)
    host_id = await new_user(db, f"host-of-{driver}")
    async with db.write() as session:

        async def opened(kind: AccountKind, owner_id: int | None = None) -> LedgerAccount:
            return await open_account(session, kind, currency, owner_id, at=NOW)

        return Books(
            driver_id,
            host_id,
            await opened(AccountKind.DRIVER_WALLET, driver_id),
            await opened(AccountKind.DRIVER_RECEIVABLE, driver_id),
            await opened(AccountKind.HOST_PAYABLE, host_id),
            await opened(AccountKind.PLATFORM_FEE_REVENUE),
            await opened(AccountKind.PROCESSOR_CLEARING),
            await opened(AccountKind.PROCESSOR_FEES),
        )


async def top_up(db: Database, accounts: Books, amount: int) -> Posted:
    """Money in from the payment provider: cash at the processor, owed to the driver in the wallet."""
    async with db.write() as session:
        return await post(
            session,
            [debit(accounts.clearing, amount), credit(accounts.wallet, amount)],
            kind="wallet.top_up",
            at=NOW,
            reference=f"top-up:{amount}",
        )

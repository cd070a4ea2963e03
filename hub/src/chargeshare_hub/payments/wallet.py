"""A driver's wallet in one currency: what it holds (the ledger), what is on hold for upcoming bookings
(`payment_holds`), and what is available, the difference, which no flow takes below zero.

Every flow that moves a driver's money locks the driver's wallet account first (on PostgreSQL a row lock; on
SQLite the single writer holds every write already), so two flows of one driver follow each other and always
take their locks in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.dialects import is_postgresql
from ..ledger.accounts import find_account, open_account
from ..ledger.balances import holding
from ..ledger.kinds import AccountKind
from ..ledger.tables import LedgerAccount
from .tables import HoldStatus, PaymentHold


@dataclass(frozen=True, slots=True)
class Funds:
    currency: str
    balance: int  # what the wallet holds
    on_hold: int  # reserved for bookings about to start

    @property
    def available(self) -> int:
        return self.balance - self.on_hold


async def locked_wallet(session: AsyncSession, driver_id: int, currency: str, at: datetime) -> LedgerAccount:
    """The driver's wallet in `currency` (opened on first use), locked until the transaction ends."""
    wallet = await open_account(session, AccountKind.DRIVER_WALLET, currency, driver_id, at=at)
    if is_postgresql(session):
        await session.execute(
            select(LedgerAccount.id).where(LedgerAccount.id == wallet.id).with_for_update(key_share=True)
        )
    return wallet


async def on_hold(session: AsyncSession, driver_id: int, currency: str) -> int:
    total = await session.scalar(
        select(func.sum(PaymentHold.amount_minor)).where(
            PaymentHold.driver_id == driver_id,
            PaymentHold.currency == currency,
            PaymentHold.status == HoldStatus.HELD,
        )
    )
    return int(total or 0)


async def funds_of(session: AsyncSession, wallet: LedgerAccount) -> Funds:
    assert wallet.owner_id is not None  # a wallet is a driver's
    return Funds(
        wallet.currency, await holding(session, wallet), await on_hold(session, wallet.owner_id, wallet.currency)
    )


async def wallets(session: AsyncSession, driver_id: int) -> list[LedgerAccount]:
    """The driver's wallets, one per currency they ever used, by currency."""
    return list(
        await session.scalars(
            select(LedgerAccount)
            .where(LedgerAccount.owner_id == driver_id, LedgerAccount.kind == AccountKind.DRIVER_WALLET)
            .order_by(LedgerAccount.currency)
        )
    )


async def wallet_of(session: AsyncSession, driver_id: int, currency: str) -> LedgerAccount | None:
    return await find_account(session, AccountKind.DRIVER_WALLET, currency, driver_id)

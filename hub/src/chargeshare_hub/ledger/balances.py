"""What an account holds and how it got there, read from its entries: the newest entry's running balance, and
its history newest first in pages keyed by entry id (new entries arriving meanwhile do not shift the pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from .kinds import AccountKind
from .tables import LedgerAccount, LedgerEntry, LedgerPosting

PAGE = 50  # the pages of every money list: wallet history, payouts, disputes
MAX_PAGE = 500


@dataclass(frozen=True, slots=True)
class Movement:
    """One entry as its account's owner reads it: `amount` raises (positive) or lowers what the account holds."""

    entry_id: int
    posting_id: int
    kind: str
    reference: str | None
    memo: str | None
    created_at: datetime
    reversal_of: int | None
    amount: int
    holding_after: int


@dataclass(frozen=True, slots=True)
class History:
    movements: list[Movement]
    next_cursor: int | None  # `before` for the next (older) page; None on the last


async def holding(session: AsyncSession, account: LedgerAccount) -> int:
    """What the account holds now (kinds.py): a wallet's spendable money, a host's payable, ..."""
    stored = await session.scalar(
        select(LedgerEntry.balance_after)
        .where(LedgerEntry.account_id == account.id)
        .order_by(LedgerEntry.id.desc())
        .limit(1)
    )
    return AccountKind(account.kind).holding(stored or 0)


async def history(
    session: AsyncSession, account: LedgerAccount, *, before: int | None = None, limit: int = PAGE
) -> History:
    """The account's movements, newest first; `before`: the previous page's `next_cursor`."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValueError(f"limit is 1 to {MAX_PAGE}")
    query = (
        select(
            LedgerEntry.id,
            LedgerPosting.id,
            LedgerPosting.kind,
            LedgerPosting.reference,
            LedgerPosting.memo,
            LedgerPosting.created_at,
            LedgerPosting.reversal_of,
            LedgerEntry.amount,
            LedgerEntry.balance_after,
        )
        .join(LedgerPosting, LedgerPosting.id == LedgerEntry.posting_id)
        .where(LedgerEntry.account_id == account.id)
    )
    if before is not None:
        query = query.where(LedgerEntry.id < before)
    rows = (await session.execute(query.order_by(LedgerEntry.id.desc()).limit(limit + 1))).tuples().all()
    kind = AccountKind(account.kind)
    movements = [
        Movement(
            entry_id, posting_id, what, reference, memo, at, reversal_of, kind.holding(amount), kind.holding(after)
        )
        for entry_id, posting_id, what, reference, memo, at, reversal_of, amount, after in rows[:limit]
    ]
    return History(movements, movements[-1].entry_id if len(rows) > limit else None)

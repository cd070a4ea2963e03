"""Finding a ledger account, and opening it on first use, in the caller's transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..db.dialects import conflict_insert
from .errors import LedgerError
from .kinds import AccountKind
from .tables import LedgerAccount
from .validation import check_currency


async def find_account(
    session: AsyncSession, kind: AccountKind, currency: str, owner_id: int | None = None
) -> LedgerAccount | None:
    _check_owner(kind, owner_id)
    owner = LedgerAccount.owner_id.is_(None) if owner_id is None else LedgerAccount.owner_id == owner_id
    return await session.scalar(
        select(LedgerAccount).where(LedgerAccount.kind == kind.value, LedgerAccount.currency == currency, owner)
    )


async def open_account(
    session: AsyncSession, kind: AccountKind, currency: str, owner_id: int | None, *, at: datetime
) -> LedgerAccount:
    """The account of `kind` for `owner_id` (None: the platform's) in `currency`, opened now if there is none yet.
    Two transactions opening the same account at once both get it: the unique indexes let one row in."""
    check_currency(currency)
    found = await find_account(session, kind, currency, owner_id)
    if found is not None:
        return found
    await session.execute(
        conflict_insert(session, LedgerAccount)
        .values(kind=kind.value, owner_id=owner_id, currency=currency, created_at=at)
        .on_conflict_do_nothing()
    )
    opened = await find_account(session, kind, currency, owner_id)
    assert opened is not None  # inserted now, or by a transaction that committed before the insert returned
    return opened


def _check_owner(kind: AccountKind, owner_id: int | None) -> None:
    if kind.per_user and owner_id is None:
        raise LedgerError("owner_required", f"A {kind.value} account belongs to a user.")
    if not kind.per_user and owner_id is not None:
        raise LedgerError("platform_account", f"A {kind.value} account is the platform's; it has no owner.")

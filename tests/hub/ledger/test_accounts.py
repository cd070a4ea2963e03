"""An account is one per kind, owner and currency (the platform's: one per kind and currency), opened on first
use, also by transactions opening it at the same moment."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from chargeshare_hub.db.engine import Database
from chargeshare_hub.ledger.accounts import find_account, open_account
from chargeshare_hub.ledger.errors import LedgerError
from chargeshare_hub.ledger.kinds import AccountKind
from chargeshare_hub.ledger.tables import LedgerAccount
from chargeshare_hub.web.errors import ApiError

from .helpers import NOW, new_user


async def test_opening_an_account_again_finds_the_same_one(db: Database) -> None:
    driver_id = await new_user(db, "driver@example.org")
    async with db.write() as session:
        first = await open_account(session, AccountKind.DRIVER_WALLET, "EUR", driver_id, at=NOW)
        again = await open_account(session, AccountKind.DRIVER_WALLET, "EUR", driver_id, at=NOW)
        in_dollars = await open_account(session, AccountKind.DRIVER_WALLET, "USD", driver_id, at=NOW)
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, "EUR", driver_id, at=NOW)
        platform = await open_account(session, AccountKind.PROCESSOR_CLEARING, "EUR", None, at=NOW)
        platform_again = await open_account(session, AccountKind.PROCESSOR_CLEARING, "EUR", None, at=NOW)

    assert first.id == again.id
    assert len({first.id, in_dollars.id, receivable.id, platform.id}) == 4
    assert platform_again.id == platform.id
    assert (platform.owner_id, platform.kind, platform.currency) == (None, "processor_clearing", "EUR")


async def test_an_account_not_opened_yet_is_not_found(db: Database) -> None:
    driver_id = await new_user(db, "driver@example.org")
    async with db.read() as session:
        assert await find_account(session, AccountKind.DRIVER_WALLET, "EUR", driver_id) is None


async def test_accounts_opened_at_the_same_moment_are_one_account(db: Database) -> None:
    driver_id = await new_user(db, "driver@example.org")

    async def opening(kind: AccountKind, owner_id: int | None) -> int:
        async with db.write() as session:
            return (await open_account(session, kind, "EUR", owner_id, at=NOW)).id

    wallets = await asyncio.gather(*(opening(AccountKind.DRIVER_WALLET, driver_id) for _ in range(10)))
    fees = await asyncio.gather(*(opening(AccountKind.PLATFORM_FEE_REVENUE, None) for _ in range(10)))

    assert len(set(wallets)) == len(set(fees)) == 1
    async with db.read() as session:
        assert await session.scalar(select(func.count(LedgerAccount.id))) == 2


@pytest.mark.parametrize(
    ("kind", "owned", "code"),
    [(AccountKind.DRIVER_WALLET, False, "owner_required"), (AccountKind.PROCESSOR_FEES, True, "platform_account")],
)
async def test_per_user_kinds_have_an_owner_and_platform_kinds_none(
    db: Database, kind: AccountKind, owned: bool, code: str
) -> None:
    user_id = await new_user(db, "someone@example.org")

    with pytest.raises(LedgerError, match=code):
        async with db.write() as session:
            await open_account(session, kind, "EUR", user_id if owned else None, at=NOW)


@pytest.mark.parametrize("currency", ["eur", "EURO", "EU", "XYZ", "€UR", ""])
async def test_a_currency_that_is_not_iso_4217_is_a_400(db: Database, currency: str) -> None:
    with pytest.raises(ApiError) as refused:
        async with db.write() as session:
            await open_account(session, AccountKind.PROCESSOR_FEES, currency, None, at=NOW)

    assert (refused.value.status, refused.value.code, refused.value.field) == (400, "invalid_currency", "currency")


@pytest.mark.parametrize(
    "row",
    [
        {"kind": "platform_fee_revenue", "owner_id": None, "currency": "EUR"},  # a second one
        {"kind": "driver_wallet", "owner_id": None, "currency": "USD"},  # a wallet of nobody
        {"kind": "petty_cash", "owner_id": None, "currency": "USD"},
        {"kind": "processor_fees", "owner_id": None, "currency": "usd"},
    ],
)
async def test_the_database_refuses_accounts_the_rules_forbid(db: Database, row: dict[str, object]) -> None:
    async with db.write() as session:
        await open_account(session, AccountKind.PLATFORM_FEE_REVENUE, "EUR", None, at=NOW)

    with pytest.raises(IntegrityError):
        async with db.write() as session:
            await session.execute(insert(LedgerAccount).values(**row, created_at=NOW))

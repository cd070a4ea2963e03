"""Payments: a driver's wallet (top-ups, funds, history, receipts), and the sweep that moves booked charging's
money (holds placed, released and voided; booking fees posted). Captures happen as CDRs are issued, refunds as
credit CDRs are (`cdr_issued`, called by charging in the CDR's transaction).

A driver sees their own wallet only: every read and write here acts on the principal's own accounts, and a
receipt of anyone else's money looks like no receipt at all (404).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..accounts.principal import Principal
from ..accounts.tables import User
from ..charging.tables import Cdr
from ..config import HubConfig
from ..db.base import utcnow
from ..db.engine import Database
from ..idempotency.keys import Reply
from ..idempotency.service import Write
from ..ledger.balances import MAX_PAGE, History, Movement, history
from ..ledger.kinds import AccountKind
from ..ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting
from ..web.errors import not_found
from .booking_charges import BookingCharges
from .holds import Holds
from .provider import PaymentProvider
from .receipts import Receipt, funds_json
from .refunds import Refunds
from .rules import PaymentRules
from .wallet import Funds, funds_of, locked_wallet, wallet_of, wallets
from .wallet_provider import WalletProvider


@dataclass(frozen=True, slots=True)
class Swept:
    released: int
    voided: int
    placed: int
    refused: int
    fees_posted: int

    def __bool__(self) -> bool:
        return any((self.released, self.voided, self.placed, self.refused, self.fees_posted))


class Payments:
    def __init__(
        self,
        db: Database,
        config: HubConfig,
        clock: Callable[[], datetime] = utcnow,
        provider: PaymentProvider | None = None,
    ) -> None:
        self._db = db
        self.rules = PaymentRules.from_config(config)
        self.provider: PaymentProvider = provider or WalletProvider()
        self.clock = clock
        self._holds = Holds(self.provider, self.rules)
        self._booking_charges = BookingCharges(self.provider, self.rules)
        self._refunds = Refunds(self.provider)

    # The wallet

    def top_up(self, user_id: int, amount: int, currency: str) -> Write:
        """The write of a top-up of the account's wallet, for the idempotency keys to run with the key's claim."""

        async def write(session: AsyncSession) -> Reply:
            now = self.clock()
            if await session.get(User, user_id) is None:
                raise not_found("account")
            posting_id = await self.provider.top_up(
                session, user_id, amount, currency, reference=f"top-up:{user_id}", at=now
            )
            funds = await funds_of(session, await locked_wallet(session, user_id, currency, now))
            return Reply(201, {"posting_id": posting_id, "amount": amount, **funds_json(funds)})

        return write

    async def funds(self, principal: Principal) -> list[Funds]:
        async with self._db.read() as session:
            return [await funds_of(session, wallet) for wallet in await wallets(session, principal.user_id)]

    async def history(self, principal: Principal, currency: str, *, before: int | None, limit: int) -> History:
        """The wallet's movements newest first; a currency the driver never used has none."""
        async with self._db.read() as session:
            wallet = await wallet_of(session, principal.user_id, currency)
            if wallet is None:
                return History([], None)
            return await history(session, wallet, before=before, limit=limit)

    async def everything(self, principal: Principal, currency: str) -> list[Movement]:
        """Every movement of the wallet, newest first (the CSV export)."""
        movements: list[Movement] = []
        before: int | None = None
        while True:
            page = await self.history(principal, currency, before=before, limit=MAX_PAGE)
            movements += page.movements
            if page.next_cursor is None:
                return movements
            before = page.next_cursor

    async def receipt(self, principal: Principal, posting_id: int) -> Receipt:
        async with self._db.read() as session:
            row = (
                await session.execute(
                    select(LedgerPosting, LedgerEntry.amount, LedgerEntry.balance_after, LedgerAccount.currency)
                    .join(LedgerEntry, LedgerEntry.posting_id == LedgerPosting.id)
                    .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
                    .where(
                        LedgerPosting.id == posting_id,
                        LedgerAccount.owner_id == principal.user_id,
                        LedgerAccount.kind == AccountKind.DRIVER_WALLET,
                    )
                )
            ).first()
        if row is None:
            raise not_found("receipt")
        posting, amount, after, currency = row
        wallet = AccountKind.DRIVER_WALLET
        return Receipt(
            posting.id, posting.kind, posting.reference, posting.created_at, wallet.holding(amount), currency,
            wallet.holding(after),
        )  # fmt: skip

    # Booked charging

    async def cdr_issued(self, session: AsyncSession, cdr: Cdr) -> None:
        """In the transaction of a CDR just issued: captures (or voids) the booking's hold, or for a credit CDR
        gives the money back."""
        if cdr.credit:
            await self._refunds.settle_credit(session, cdr, self.clock())
        else:
            await self._holds.settle_cdr(session, cdr, self.clock())

    async def sweep(self) -> Swept:
        """Releases the holds of bookings that ended unused, voids those of sessions without energy, places the
        holds now due, and posts booking fees; one transaction."""
        async with self._db.write() as session:
            now = self.clock()
            released = await self._holds.release_ended(session, now)
            voided = await self._holds.void_idle(session, now)
            placed, refused = await self._holds.place_due(session, now)
            fees_posted = await self._booking_charges.post_due(session, now)
            return Swept(released, voided, placed, refused, fees_posted)

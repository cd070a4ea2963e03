"""The built-in `wallet` provider, the default: drivers pay from money they put in their wallet beforehand, and
no outside service is involved.

A top-up is recorded as money arriving at the processor (processor_clearing → driver_wallet). This provider
takes no card and checks no payment: it records what it is told, which suits a hub whose operator funds wallets
(or tests and demos). A real card top-up needs the Stripe provider.

A hold is a reservation in `payment_holds` only: the wallet's available money (balance - holds) must cover it
when it is placed, and every other flow leaves the held money alone, so the capture always finds it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ..ledger.accounts import open_account
from ..ledger.balances import holding
from ..ledger.kinds import AccountKind
from ..ledger.postings import credit, debit, post
from .charges import Charge
from .provider import Collected, HoldRefused, RefundOf
from .tables import PaymentHold
from .wallet import funds_of, locked_wallet


class WalletProvider:
    name = "wallet"

    async def top_up(
        self, session: AsyncSession, driver_id: int, amount: int, currency: str, *, reference: str, at: datetime
    ) -> int:
        wallet = await locked_wallet(session, driver_id, currency, at)
        clearing = await open_account(session, AccountKind.PROCESSOR_CLEARING, currency, None, at=at)
        posted = await post(
            session, [debit(clearing, amount), credit(wallet, amount)], kind="wallet.top_up", at=at, reference=reference
        )
        return posted.id

    async def place_hold(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> str | None:
        funds = await funds_of(session, await locked_wallet(session, hold.driver_id, hold.currency, at))
        if funds.available < hold.amount_minor:
            raise HoldRefused(
                f"Your wallet has {funds.available} (minor units of {hold.currency}) available; "
                f"the booking needs {hold.amount_minor} on hold."
            )
        return None

    async def capture(self, session: AsyncSession, hold: PaymentHold, charge: Charge, at: datetime) -> None:
        amount = charge.amount
        wallet = await locked_wallet(session, hold.driver_id, hold.currency, at)
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, hold.currency, hold.driver_id, at=at)
        await post(
            session,
            [debit(wallet, amount), credit(receivable, amount)],
            kind="wallet.capture",
            at=at,
            reference=f"hold:{hold.id}",
        )

    async def release(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> None:
        """Nothing to undo: the hold's new status frees the reservation."""

    async def collect(
        self, session: AsyncSession, charge: Charge, *, reference: str, key: str, at: datetime
    ) -> Collected:
        driver_id, currency = charge.driver_id, charge.currency
        wallet = await locked_wallet(session, driver_id, currency, at)
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, currency, driver_id, at=at)
        taken = min(await holding(session, receivable), (await funds_of(session, wallet)).available)
        if taken > 0:
            await post(
                session,
                [debit(wallet, taken), credit(receivable, taken)],
                kind="wallet.collect",
                at=at,
                reference=reference,
            )
        return Collected(max(taken, 0), None)

    async def refund(
        self,
        session: AsyncSession,
        driver_id: int,
        amount: int,
        currency: str,
        *,
        reference: str,
        at: datetime,
        of: RefundOf | None = None,
    ) -> None:
        wallet = await locked_wallet(session, driver_id, currency, at)
        receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, currency, driver_id, at=at)
        await post(
            session,
            [debit(receivable, amount), credit(wallet, amount)],
            kind="wallet.refund",
            at=at,
            reference=reference,
        )

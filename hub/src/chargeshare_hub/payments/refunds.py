"""Refunds: a credit CDR (charging/credits.py) gives the driver money back in the credit's transaction.

What goes back is what the credit credits, as far as the session was charged: a CDR that cost more than its hold
was charged the hold only, and a session charged nothing (free, voided, not booked) gets a credit CDR and no
money. The host's share and the platform's fee go back in proportion (rounded half up); the refund that reaches
the whole charge gives back exactly what is left of each, so that a CDR's credits cancel its charge to the unit.
A first refund of the whole charge is the charge's reversal, a partial one its proportional mirror
(`post_refund`); either way the provider then pays the driver back (the wallet is credited; Stripe refunds the
session's captured PaymentIntent), as far as the driver owes nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..charging.credits import paid
from ..charging.tables import Cdr
from ..ledger.accounts import open_account
from ..ledger.balances import holding
from ..ledger.kinds import AccountKind
from ..ledger.postings import reverse
from ..ledger.tables import LedgerAccount, LedgerEntry, LedgerPosting
from .charges import SESSION_CHARGE, SESSION_REFUND, Charge, post_refund
from .provider import PaymentProvider, RefundOf
from .tables import PaymentHold
from .wallet import locked_wallet


@dataclass(frozen=True, slots=True)
class _Shares:
    """A session's charge and what was refunded of it so far, in minor units, as positive numbers."""

    charge_id: int
    charged: int
    fee: int
    refunded: int
    fee_refunded: int


@dataclass(frozen=True, slots=True)
class Refunds:
    provider: PaymentProvider

    async def settle_credit(self, session: AsyncSession, credit: Cdr, now: datetime) -> int:
        """Gives back the money of the credit CDR `credit`; how much (0 when its session was charged nothing)."""
        assert credit.credit_reference_id is not None
        driver, currency = credit.driver_id, credit.currency
        shares = await _shares(session, credit.credit_reference_id)
        if shares is None or driver is None:  # a session without a driver was charged to no one
            return 0
        left = shares.charged - shares.refunded
        amount = min(-paid(credit), left)
        if amount <= 0:
            return 0
        await locked_wallet(session, driver, currency, now)
        reference, memo = f"cdr:{credit.credit_reference_id}", f"credit {credit.id}"
        fee = shares.fee - shares.fee_refunded if amount == left else _share(shares.fee, amount, shares.charged)
        charge = Charge(driver, credit.host_id, currency, amount, fee)
        if amount == shares.charged:
            await reverse(session, shares.charge_id, at=now, kind=SESSION_REFUND, memo=memo)
        else:
            await post_refund(session, charge, kind=SESSION_REFUND, reference=reference, at=now, memo=memo)
        hold = await session.scalar(select(PaymentHold).where(PaymentHold.cdr_id == credit.credit_reference_id))
        await pay_back_overpaid(
            session,
            self.provider,
            driver,
            currency,
            at_most=amount,
            reference=f"cdr:{credit.id}",
            at=now,
            of=None if hold is None else RefundOf(hold.provider_reference, charge),
        )
        return amount


async def pay_back_overpaid(
    session: AsyncSession,
    provider: PaymentProvider,
    driver_id: int,
    currency: str,
    *,
    at_most: int | None,
    reference: str,
    at: datetime,
    of: RefundOf | None = None,
) -> None:
    """After a refund posting: what the driver has paid beyond what they owe (a receivable below zero) goes back to
    them through the provider, `at_most` of it (None: all); `of`: the captured session the refund is of."""
    receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, currency, driver_id, at=at)
    overpaid = -await holding(session, receivable)
    owed_back = overpaid if at_most is None else min(at_most, overpaid)
    if owed_back > 0:
        await provider.refund(session, driver_id, owed_back, currency, reference=reference, at=at, of=of)


def _share(fee: int, amount: int, charged: int) -> int:
    """The fee's part of a partial refund of `amount` out of `charged`, rounded half up."""
    return (2 * fee * amount + charged) // (2 * charged)


async def _shares(session: AsyncSession, cdr_id: str) -> _Shares | None:
    """The charge of CDR `cdr_id` and its refunds so far, read from their postings; None if it was not charged."""
    rows = await session.execute(
        select(LedgerPosting.kind, LedgerAccount.kind, func.min(LedgerPosting.id), func.sum(LedgerEntry.amount))
        .join(LedgerEntry, LedgerEntry.posting_id == LedgerPosting.id)
        .join(LedgerAccount, LedgerAccount.id == LedgerEntry.account_id)
        .where(LedgerPosting.reference == f"cdr:{cdr_id}", LedgerPosting.kind.in_((SESSION_CHARGE, SESSION_REFUND)))
        .group_by(LedgerPosting.kind, LedgerAccount.kind)
    )
    sums: dict[tuple[str, str], int] = defaultdict(int)
    charge_id = None
    for posting_kind, account_kind, first_id, amount in rows.tuples():
        sums[posting_kind, account_kind] = int(amount)
        if posting_kind == SESSION_CHARGE:
            charge_id = first_id
    if charge_id is None:
        return None
    receivable, revenue = AccountKind.DRIVER_RECEIVABLE.value, AccountKind.PLATFORM_FEE_REVENUE.value
    return _Shares(
        charge_id=charge_id,
        charged=sums[SESSION_CHARGE, receivable],
        fee=-sums[SESSION_CHARGE, revenue],
        refunded=-sums[SESSION_REFUND, receivable],
        fee_refunded=sums[SESSION_REFUND, revenue],
    )

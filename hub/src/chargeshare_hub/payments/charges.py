"""What a driver owes and a host earns, posted the same way for every provider: the driver's receivable is
debited with the whole amount, the host's payable and the platform's fee revenue credited with their shares.
A provider's capture or collection then settles the receivable (see provider.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ..ledger.accounts import open_account
from ..ledger.kinds import AccountKind
from ..ledger.postings import Line, Posted, credit, debit, post

SESSION_CHARGE = "session.charge"  # a charging session's cost, posted when its CDR captures the hold
SESSION_REFUND = "session.refund"  # money of it given back by a credit CDR (refunds.py)


@dataclass(frozen=True, slots=True)
class Charge:
    driver_id: int
    host_id: int
    currency: str
    amount: int  # what the driver pays, fee included
    fee: int  # the platform's part of it

    def __post_init__(self) -> None:
        if self.amount <= 0 or not 0 <= self.fee <= self.amount:
            raise ValueError(f"a charge of {self.amount} with a fee of {self.fee}")


async def post_charge(session: AsyncSession, charge: Charge, *, kind: str, reference: str, at: datetime) -> Posted:
    """The driver owes `amount`: the host earns it less the fee, the platform the fee."""
    return await post(session, await _lines(session, charge, at), kind=kind, at=at, reference=reference)


async def post_refund(
    session: AsyncSession, charge: Charge, *, kind: str, reference: str, at: datetime, memo: str | None = None
) -> Posted:
    """The mirror of a charge of `amount`: host and platform give their shares back to the driver's receivable."""
    mirrored = [Line(line.account_id, line.currency, -line.amount) for line in await _lines(session, charge, at)]
    return await post(session, mirrored, kind=kind, at=at, reference=reference, memo=memo)


async def _lines(session: AsyncSession, charge: Charge, at: datetime) -> list[Line]:
    receivable = await open_account(session, AccountKind.DRIVER_RECEIVABLE, charge.currency, charge.driver_id, at=at)
    lines = [debit(receivable, charge.amount)]
    if charge.amount > charge.fee:
        payable = await open_account(session, AccountKind.HOST_PAYABLE, charge.currency, charge.host_id, at=at)
        lines.append(credit(payable, charge.amount - charge.fee))
    if charge.fee:
        revenue = await open_account(session, AccountKind.PLATFORM_FEE_REVENUE, charge.currency, None, at=at)
        lines.append(credit(revenue, charge.fee))
    return lines

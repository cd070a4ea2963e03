"""What a payment provider does for the hub's flows, and nothing more: fund a wallet, hold an amount before a
booked slot, capture up to it, release it, collect a fee without a hold, give money back.

The hub decides amounts and keeps the books; a provider moves the driver's money and writes the ledger lines
of that movement, in the caller's transaction. The charge itself (the driver's receivable against the host's
payable and the platform's fee) is posted by the hub, the same for every provider (`charges.py`); a provider's
capture or collection then settles that receivable from where the money is: the prepaid wallet for the
built-in `wallet` provider, the card at the processor for Stripe (a PaymentIntent with manual capture as the
hold, captured with a Connect destination charge and the platform fee as its application fee; a booking or
no-show fee charged to the saved card at once, the same way).

A provider that calls an outside service makes the call idempotent with the hold's (or the fee's) id as its key,
so a call repeated after a crash between the call and the commit does the work once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from .charges import Charge
from .tables import PaymentHold


class FeeDeferred(Exception):
    """The provider cannot take a fee now (an outside service is down): the fee is posted by a later sweep, and
    nothing of it now."""


class HoldRefused(Exception):
    """The provider cannot hold the amount (too little in the wallet, a card declined)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class HoldDeferred(Exception):
    """The provider cannot answer now (an outside service is down): the booking gets no hold in this sweep, and
    the next sweep tries again."""


class TopUpRefused(Exception):
    """The provider has no wallet to put money in."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Collected:
    """What a collection took of a fee, and the provider's reference for the payment (None: no payment of its own,
    or nothing taken)."""

    taken: int
    provider_reference: str | None


@dataclass(frozen=True, slots=True)
class RefundOf:
    """What a refund gives back a part of: a captured session or a collected fee, by the provider's reference for
    its payment (a hold's, a fee's; None: it has none), and its shares (`charge.amount`, of it `charge.fee` the
    platform's)."""

    provider_reference: str | None
    charge: Charge


class PaymentProvider(Protocol):
    name: str

    async def top_up(
        self, session: AsyncSession, driver_id: int, amount: int, currency: str, *, reference: str, at: datetime
    ) -> int:
        """Puts `amount` in the driver's wallet; the id of the posting that recorded it. Raises TopUpRefused
        when the provider has no wallet."""

    async def place_hold(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> str | None:
        """Reserves `hold.amount_minor` of the driver's money; the provider's reference for it, if it has one.
        Raises HoldRefused when it cannot, HoldDeferred when it cannot tell now."""

    async def capture(self, session: AsyncSession, hold: PaymentHold, charge: Charge, at: datetime) -> None:
        """Takes `charge.amount` (at most the hold's) of the held money, settling that much of the driver's
        receivable; the rest of the hold is released with it. `charge` is the hub's posted charge: who earns
        what of it."""

    async def release(self, session: AsyncSession, hold: PaymentHold, at: datetime) -> None:
        """Gives up the whole hold: nothing is taken. Raises HoldDeferred when it cannot now."""

    async def collect(
        self, session: AsyncSession, charge: Charge, *, reference: str, key: str, at: datetime
    ) -> Collected:
        """Takes a fee without a hold, `charge` just posted by the hub, as far as the provider can now (the wallet
        takes what the driver's receivable holds, the card the fee); what it took. What it could not take stays
        owed. `key`: the fee's own idempotency key. Raises FeeDeferred when it cannot tell now."""

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
        """Gives `amount` back to the driver, settling a receivable the hub credited beyond zero; `of`: the
        captured session or collected fee it belongs to (None: no payment of the provider's own)."""

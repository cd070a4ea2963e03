"""Booking and no-show fees (the `booking_charges` the bookings module writes) posted to the ledger.

A fee is charged like a session (the host earns it less the platform's share, see rules.py) and collected by the
provider at once: from the driver's available money (the wallet), or charged to their saved card (Stripe, whose
PaymentIntent the row keeps); what cannot be collected stays owed in the driver's receivable. A refund (a
negative row) gives the host's and the platform's shares back to the receivable, and what the driver paid beyond
what they still owe goes back to them through the provider: first from the payments that took the booking's fees
of that kind, the newest fee first, each at most what earlier refunds left of it; the rest as the provider can
without a payment (the wallet is credited; Stripe gives nothing back, the hub owing it in the receivable).

Each row is posted once: it is locked while it is posted and marked with the time. A fee the provider cannot
take now (`FeeDeferred`: Stripe out of reach) is not posted at all, nor the later rows of its booking (a refund
waits for its fee), and the next sweep posts them; the collection's idempotency key, made of the row's id, keeps
a retried charge from being taken twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.tables import Booking, BookingCharge
from ..ledger.tables import LedgerAccount
from ..listings.tables import Location
from .charges import Charge, post_charge, post_refund
from .provider import FeeDeferred, PaymentProvider, RefundOf
from .refunds import pay_back_overpaid
from .rules import PaymentRules
from .wallet import locked_wallet


@dataclass(frozen=True, slots=True)
class BookingCharges:
    provider: PaymentProvider
    rules: PaymentRules

    async def post_due(self, session: AsyncSession, now: datetime) -> int:
        """Posts every booking charge not posted yet, but for those the provider cannot take now and the rows of
        their bookings after them; how many were posted."""
        due = await session.execute(
            select(BookingCharge, Booking.driver_id, Location.host_id)
            .join(Booking, Booking.id == BookingCharge.booking_id)
            .join(Location, Location.id == Booking.location_id)
            .where(BookingCharge.posted_at.is_(None))
            .order_by(Booking.driver_id, BookingCharge.currency, BookingCharge.id)  # wallets locked in one order
            .with_for_update(of=BookingCharge, skip_locked=True)
        )
        count = 0
        waiting: set[str] = set()  # bookings with a fee deferred
        for row, driver_id, host_id in due.tuples():
            if row.booking_id in waiting:
                continue
            if await self._post(session, row, driver_id, host_id, now):
                count += 1
            else:
                waiting.add(row.booking_id)
        await session.flush()
        return count

    async def _post(
        self, session: AsyncSession, row: BookingCharge, driver_id: int, host_id: int, now: datetime
    ) -> bool:
        """Posts the row; False when the provider cannot take its fee now, and nothing is posted."""
        await locked_wallet(session, driver_id, row.currency, now)
        reference = f"booking:{row.booking_id}"
        charge = self._charge(row, driver_id, host_id)
        kind = row.kind.lower()
        if row.amount_minor > 0:
            try:
                async with session.begin_nested():
                    await post_charge(session, charge, kind=kind, reference=reference, at=now)
                    collected = await self.provider.collect(
                        session, charge, reference=reference, key=f"{reference}:fee:{row.id}", at=now
                    )
            except FeeDeferred:
                _forget_accounts(session)
                return False
            row.provider_reference = collected.provider_reference
        else:
            await post_refund(session, charge, kind=f"{kind}.refund", reference=reference, at=now)
            left = charge.amount
            for paid, amount in await _refunded_of(session, row):
                if paid.provider_reference is None:
                    continue
                left -= amount
                await pay_back_overpaid(
                    session, self.provider, driver_id, row.currency, at_most=amount,
                    reference=f"{reference}:fee:{row.id}:{paid.id}", at=now,
                    of=RefundOf(paid.provider_reference, self._charge(paid, driver_id, host_id)),
                )  # fmt: skip
            await pay_back_overpaid(
                session, self.provider, driver_id, row.currency, at_most=left, reference=reference, at=now
            )
        row.posted_at = now
        return True

    def _charge(self, row: BookingCharge, driver_id: int, host_id: int) -> Charge:
        amount = abs(row.amount_minor)
        return Charge(driver_id, host_id, row.currency, amount, self.rules.booking_fee_share(amount))


async def _refunded_of(session: AsyncSession, refund: BookingCharge) -> list[tuple[BookingCharge, int]]:
    """The fee rows the refund row `refund` gives back, with how much of each: the newest first, each at most
    what the refunds before it left of it (the same rule replayed over the booking's earlier rows)."""
    rows = await session.scalars(
        select(BookingCharge)
        .where(
            BookingCharge.booking_id == refund.booking_id,
            BookingCharge.kind == refund.kind,
            BookingCharge.currency == refund.currency,
            BookingCharge.id <= refund.id,
        )
        .order_by(BookingCharge.id)
    )
    unrefunded: list[tuple[BookingCharge, int]] = []  # the fees and what is left of each, oldest first
    pieces: list[tuple[BookingCharge, int]] = []
    for row in rows:
        if row.amount_minor > 0:
            unrefunded.append((row, row.amount_minor))
            continue
        pieces, wanted = [], -row.amount_minor
        while wanted and unrefunded:
            fee, left = unrefunded.pop()
            piece = min(wanted, left)
            pieces.append((fee, piece))
            wanted -= piece
            if left > piece:
                unrefunded.append((fee, left - piece))
    return pieces  # those of the last row, `refund`


def _forget_accounts(session: AsyncSession) -> None:
    # The savepoint's rollback takes back the ledger accounts opened in it but leaves their objects in the session;
    # SQLite may reuse their ids for accounts opened later, which the session would take for these.
    for account in [obj for obj in session.identity_map.values() if isinstance(obj, LedgerAccount)]:
        session.expunge(account)

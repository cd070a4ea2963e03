"""Booking and no-show fees (the `booking_charges` the bookings module writes) posted to the ledger.

A fee is charged like a session (the host earns it less the platform's share, see rules.py) and collected from
the driver's available money at once; what cannot be collected stays owed in the driver's receivable. A refund
(a negative row) gives the host's and the platform's shares back to the receivable, and what the driver paid
beyond what they still owe goes back to them through the provider.

Each row is posted once: it is locked while it is posted and marked with the time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.tables import Booking, BookingCharge
from ..listings.tables import Location
from .charges import Charge, post_charge, post_refund
from .provider import PaymentProvider
from .refunds import pay_back_overpaid
from .rules import PaymentRules
from .wallet import locked_wallet


@dataclass(frozen=True, slots=True)
class BookingCharges:
    provider: PaymentProvider
    rules: PaymentRules

    async def post_due(self, session: AsyncSession, now: datetime) -> int:
        """Posts every booking charge not posted yet; how many."""
        due = await session.execute(
            select(BookingCharge, Booking.driver_id, Location.host_id)
            .join(Booking, Booking.id == BookingCharge.booking_id)
            .join(Location, Location.id == Booking.location_id)
            .where(BookingCharge.posted_at.is_(None))
            .order_by(Booking.driver_id, BookingCharge.currency, BookingCharge.id)  # wallets locked in one order
            .with_for_update(of=BookingCharge, skip_locked=True)
        )
        count = 0
        for row, driver_id, host_id in due.tuples():
            await self._post(session, row, driver_id, host_id, now)
            count += 1
        await session.flush()
        return count

    async def _post(
        self, session: AsyncSession, row: BookingCharge, driver_id: int, host_id: int, now: datetime
    ) -> None:
        await locked_wallet(session, driver_id, row.currency, now)
        reference = f"booking:{row.booking_id}"
        amount = abs(row.amount_minor)
        charge = Charge(driver_id, host_id, row.currency, amount, self.rules.booking_fee_share(amount))
        kind = row.kind.lower()
        if row.amount_minor > 0:
            await post_charge(session, charge, kind=kind, reference=reference, at=now)
            await self.provider.collect(session, driver_id, row.currency, reference=reference, at=now)
        else:
            await post_refund(session, charge, kind=f"{kind}.refund", reference=reference, at=now)
            await pay_back_overpaid(
                session, self.provider, driver_id, row.currency, at_most=None, reference=reference, at=now
            )
        row.posted_at = now

"""Holds through their life, each step with its postings in the caller's transaction:

- placed for each reserved booking starting within the lead time (a refusal cancels the booking; a provider that
  cannot answer now defers it to the next sweep);
- captured when the session's CDR is issued: the CDR's cost, never more than the hold, charged to the driver
  (host's payable and platform fee) and taken from the hold; the rest of the hold is released with it;
- voided when the session drew no energy within the void time, or ends without any: a driver who got no
  energy pays nothing, whatever a time-based tariff would say;
- released when the booking ends without a session (canceled, no-show); one the provider cannot release now
  stays HELD until a later sweep.

A hold row is locked before it changes and each step acts only on a HELD hold, so a step that runs twice (a
repeated CDR, two sweeps at once) acts once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings.lifecycle import Status
from ..bookings.tables import Booking
from ..charging.credits import paid
from ..charging.tables import Cdr, ChargingSession
from ..listings.tables import Location
from .charges import SESSION_CHARGE, Charge, post_charge
from .estimate import estimate
from .provider import HoldDeferred, HoldRefused, PaymentProvider
from .refusal import cancel_unheld
from .rules import PaymentRules
from .tables import HoldStatus, PaymentHold
from .wallet import locked_wallet

ENDED_WITHOUT_SESSION = (Status.CANCELED, Status.NO_SHOW, Status.FAILED, Status.REJECTED)


@dataclass(frozen=True, slots=True)
class Holds:
    provider: PaymentProvider
    rules: PaymentRules

    async def place_due(self, session: AsyncSession, now: datetime) -> tuple[int, int]:
        """Holds for the reserved bookings that start within the lead time and have none; (placed, refused).
        A booking whose hold the provider defers gets no row now: the next sweep finds it again."""
        due = await session.execute(
            select(Booking, Location)
            .join(Location, Location.id == Booking.location_id)
            .outerjoin(PaymentHold, PaymentHold.booking_id == Booking.id)
            .where(
                Booking.reservation_status == Status.RESERVED,
                Booking.starts_at <= now + self.rules.hold_lead,
                PaymentHold.id.is_(None),
            )
            .order_by(Booking.driver_id, Booking.id)  # the drivers' wallets locked in one order by every sweeper
            .with_for_update(of=Booking, skip_locked=True)
        )
        placed = refused = 0
        for booking, location in due.tuples():
            expected = await estimate(session, booking, location, self.rules.hold_cap_minor)
            if expected is None:
                continue  # free to charge: nothing to hold
            hold = PaymentHold(
                booking_id=booking.id,
                driver_id=booking.driver_id,
                provider=self.provider.name,
                currency=expected.currency,
                amount_minor=expected.amount,
                status=HoldStatus.HELD,
                placed_at=now,
            )
            await locked_wallet(session, booking.driver_id, expected.currency, now)
            try:
                hold.provider_reference = await self.provider.place_hold(session, hold, now)
            except HoldRefused as refusal:
                hold.status, hold.settled_at = HoldStatus.REFUSED, now
                session.add(hold)
                await session.flush()
                await cancel_unheld(session, booking, location, hold, reason=refusal.reason, now=now)
                refused += 1
                continue
            except HoldDeferred:
                continue
            session.add(hold)
            await session.flush()
            placed += 1
        return placed, refused

    async def settle_cdr(self, session: AsyncSession, cdr: Cdr, now: datetime) -> None:
        """The session's CDR was issued: capture its cost from the booking's hold, or void the hold if the session
        drew no energy. A CDR of a session without a held hold changes nothing."""
        charging = await session.get(ChargingSession, cdr.session_id)
        if charging is None or charging.booking_id is None:
            return
        # Waits for a capture of this hold running meanwhile, and then finds it no longer HELD.
        hold = await session.scalar(_held(skip_locked=False).where(PaymentHold.booking_id == charging.booking_id))
        if hold is None:
            return
        await locked_wallet(session, hold.driver_id, hold.currency, now)
        cost = paid(cdr) if cdr.currency == hold.currency else 0
        if charging.energy_wh <= 0 or cost <= 0:
            await self._end(session, hold, HoldStatus.VOIDED, now)
            hold.cdr_id = cdr.id
            return
        amount = min(cost, hold.amount_minor)
        charge = Charge(hold.driver_id, cdr.host_id, hold.currency, amount, self.rules.session_fee(amount))
        await post_charge(session, charge, kind=SESSION_CHARGE, reference=f"cdr:{cdr.id}", at=now)
        await self.provider.capture(session, hold, charge, now)
        hold.status, hold.settled_at, hold.cdr_id = HoldStatus.CAPTURED, now, cdr.id
        hold.captured_minor, hold.uncollected_minor = amount, cost - amount
        await session.flush()

    async def void_idle(self, session: AsyncSession, now: datetime) -> int:
        """Voids the holds of sessions that have drawn no energy since their start, `void_after` ago or more."""
        idle = await session.scalars(
            _held()
            .join(ChargingSession, ChargingSession.booking_id == PaymentHold.booking_id)
            .where(ChargingSession.energy_wh <= 0, ChargingSession.start_date_time <= now - self.rules.void_after)
        )
        return await self._end_all(session, list(idle), HoldStatus.VOIDED, now)

    async def release_ended(self, session: AsyncSession, now: datetime) -> int:
        """Releases the holds of bookings that ended without a session."""
        ended = await session.scalars(
            _held()
            .join(Booking, Booking.id == PaymentHold.booking_id)
            .where(Booking.reservation_status.in_(ENDED_WITHOUT_SESSION))
        )
        return await self._end_all(session, list(ended), HoldStatus.RELEASED, now)

    async def _end_all(self, session: AsyncSession, holds: list[PaymentHold], status: HoldStatus, now: datetime) -> int:
        """Ends the holds the provider can release now; how many."""
        ended = 0
        for hold in holds:
            try:
                await self._end(session, hold, status, now)
            except HoldDeferred:
                continue
            ended += 1
        return ended

    async def _end(self, session: AsyncSession, hold: PaymentHold, status: HoldStatus, now: datetime) -> None:
        await self.provider.release(session, hold, now)
        hold.status, hold.settled_at = status, now
        await session.flush()


def _held(*, skip_locked: bool = True) -> Select[tuple[PaymentHold]]:
    """HELD holds, locked; a sweep skips those another transaction has locked."""
    return (
        select(PaymentHold)
        .where(PaymentHold.status == HoldStatus.HELD)
        .order_by(PaymentHold.driver_id, PaymentHold.id)
        .with_for_update(of=PaymentHold, skip_locked=skip_locked)
    )

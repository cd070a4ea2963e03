"""A booking whose hold the provider refused is canceled as if the driver had canceled it then: under the
listing's terms (a late cancellation keeps the booking fee and owes the no-show fee when the terms carry one),
with the host's Home Assistant and the waitlist told as for any cancellation, and the driver told why."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ..bookings import fees, notices
from ..bookings.lifecycle import Status, transition
from ..bookings.reads import load_terms
from ..bookings.tables import Booking
from ..link import booking_messages
from ..listings.tables import Location
from ..notifications.inbox import notify
from ..waitlist.offers import offer_freed_slot
from .tables import PaymentHold


async def cancel_unheld(
    session: AsyncSession, booking: Booking, location: Location, hold: PaymentHold, *, reason: str, now: datetime
) -> None:
    transition(booking, Status.CANCELED, now)
    booking.cancellation_reason, booking.who_canceled = "UNKNOWN", "EMSP"
    terms = await load_terms(session, location.id)
    if now <= booking.starts_at - timedelta(minutes=terms.cancel_until_minutes):
        await fees.refund_booking_fee(session, booking, now)
    elif terms.noshow_fee:
        await fees.charge_expiry_fee(session, booking, location, fees.FeeKind.LATE_CANCELLATION_FEE, now)
    title = notices.listing_title(location)
    await notify(
        session,
        booking.driver_id,
        kind="payment.hold_refused",
        subject=f"Booking canceled, payment not held: {title}",
        body=f"Your booking of {title} on {notices.local_slot(booking.starts_at, booking.ends_at, location)} needed"
        f" {hold.amount_minor} (minor units of {hold.currency}) on hold before it starts, and it could not be"
        f" held. {reason} The booking is canceled under the listing's terms.",
        link=notices.booking_link(booking.id),
    )
    await notices.canceled(session, booking, location, by_driver=True)
    await booking_messages.canceled(session, booking, now)
    await session.flush()
    await offer_freed_slot(session, booking, now)

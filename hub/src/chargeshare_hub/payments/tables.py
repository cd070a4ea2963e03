"""Payment holds: the money reserved for a booking before its slot, and what became of it.

A booking has at most one hold. A hold is HELD until the session's CDR captures it (CAPTURED, the rest
released), the session draws no energy (VOIDED: nothing taken), or the booking ends without a session
(RELEASED). REFUSED records a hold the provider could not place; the booking was canceled for it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class HoldStatus(StrEnum):
    HELD = "HELD"
    CAPTURED = "CAPTURED"
    VOIDED = "VOIDED"
    RELEASED = "RELEASED"
    REFUSED = "REFUSED"


STATUSES_SQL = ", ".join(f"'{status.value}'" for status in HoldStatus)


class PaymentHold(Base):
    __tablename__ = "payment_holds"
    __table_args__ = (
        CheckConstraint(f"status IN ({STATUSES_SQL})", name="status"),
        CheckConstraint(
            "amount_minor >= 0 AND (captured_minor IS NULL OR captured_minor <= amount_minor)", name="amount"
        ),
        Index(None, "driver_id", "currency", "status"),  # what a driver's wallet has on hold
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id"), unique=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    provider: Mapped[str] = mapped_column(String(20))
    provider_reference: Mapped[str | None] = mapped_column(String(255))  # e.g. a Stripe PaymentIntent id
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)  # reserved
    status: Mapped[str] = mapped_column(String(10))
    captured_minor: Mapped[int | None] = mapped_column(BigInteger)
    # What the CDR cost beyond the hold: never captured (the hold is the most a driver pays), kept to be seen.
    uncollected_minor: Mapped[int | None] = mapped_column(BigInteger)
    cdr_id: Mapped[str | None] = mapped_column(ForeignKey("cdrs.id"))
    placed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    settled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

"""Messages about a booking.

The sender's role is stored with each message: when an account is deleted its messages lose their sender
(SET NULL) but stay readable by the other party, still marked as the driver's or the host's.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class BookingMessage(Base):
    __tablename__ = "booking_messages"
    __table_args__ = (Index("ix_booking_messages_booking_id_created_at", "booking_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"))
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    sender_role: Mapped[str] = mapped_column(String(6))  # driver or host
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

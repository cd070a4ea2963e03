"""What the link keeps: the up messages applied (so a resend is not applied twice), the down messages waiting
for their ack, and the remote commands drivers sent to a charger."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime
from ..events.tables import SEQUENCE


class LinkReceived(Base):
    """An up message applied, written in the transaction of its effect; kept 30 days."""

    __tablename__ = "link_received"

    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    applied_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)


class LinkOutbox(Base):
    """A down message for a host's Home Assistant, written in the transaction of the change it tells about; its
    `seq` (as a string) is the message id. Kept until acknowledged (or refused), then 30 days."""

    __tablename__ = "link_outbox"
    __table_args__ = (Index(None, "host_id", "acked_at"), {"sqlite_autoincrement": True})

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    type: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    refusal: Mapped[str | None] = mapped_column(String(300), default=None)  # a nack's "code: message"


class LinkCommand(Base):
    """A remote start or stop a driver asked for, and what the charger answered (PENDING until it does)."""

    __tablename__ = "link_commands"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(5))  # START or STOP
    session_id: Mapped[str | None] = mapped_column(String(36))
    status: Mapped[str] = mapped_column(String(8))  # PENDING, ACCEPTED, REJECTED, FAILED
    message: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class LinkSharing(Base):
    """Whether the host shares a listing now, and the windows it will (next 7 days), as Home Assistant last said;
    with the EVSE statuses as the charger reported them, before sharing is applied (see `sharing`)."""

    __tablename__ = "link_sharing"

    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True)
    sharing: Mapped[bool] = mapped_column(Boolean)
    windows: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # [{"from", "to"}], UTC RFC 3339
    reason: Mapped[str | None] = mapped_column(String(300))
    # evse uid -> the status the charger last reported, which sharing turns from AVAILABLE into BLOCKED
    reported: Mapped[dict[str, str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)

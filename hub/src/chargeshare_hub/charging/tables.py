"""Charging sessions as the host's Home Assistant reports them, and the charge detail records they end in.

A CDR is immutable: the database itself refuses to change or delete one (triggers of migration 0006, on both
backends); a correction is a new credit CDR. That is also why nothing here cascades on delete: an account or
listing with charging history cannot be deleted out from under it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime

SESSION_STATUSES = ("ACTIVE", "COMPLETED", "INVALID", "PENDING")


class ChargingSession(Base):
    """An OCPI 2.2.1 Session. Energy is kept in whole Wh, as meters count it."""

    __tablename__ = "charging_sessions"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the link's session id; a CDR takes it too
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), index=True)
    evse_uid: Mapped[str] = mapped_column(String(36))
    connector_id: Mapped[str] = mapped_column(String(36))
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id"), index=True)
    id_tag: Mapped[str] = mapped_column(String(20))
    auth_method: Mapped[str] = mapped_column(String(20))
    start_date_time: Mapped[datetime] = mapped_column(UtcDateTime)
    end_date_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    meter_start_wh: Mapped[int] = mapped_column(BigInteger)
    meter_stop_wh: Mapped[int | None] = mapped_column(BigInteger)
    energy_wh: Mapped[int] = mapped_column(BigInteger)  # OCPI `kwh`, so far
    status: Mapped[str] = mapped_column(String(10))
    currency: Mapped[str] = mapped_column(String(3))
    # Copies taken at the start: OCPI forbids changing the tariff mid-session, and the CDR shows the place as it was.
    tariffs: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    cdr_location: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class MeterValue(Base):
    """A meter reading during a session; the link's message id makes a resent reading a no-op."""

    __tablename__ = "charging_meter_values"
    __table_args__ = (UniqueConstraint("session_id", "message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("charging_sessions.id"))
    message_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    meter_wh: Mapped[int] = mapped_column(BigInteger)


class Cdr(Base):
    """An OCPI 2.2.1 CDR; `document` is the whole object. A session's CDR has the session's id; its credit
    CDRs add `-C1`, `-C2`, ... (39 characters leave room for nine)."""

    __tablename__ = "cdrs"
    __table_args__ = (UniqueConstraint("credit_reference_id", "request_key"),)

    id: Mapped[str] = mapped_column(String(39), primary_key=True)
    session_id: Mapped[str] = mapped_column(ForeignKey("charging_sessions.id"), index=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    driver_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    total_cost_excl_minor: Mapped[int] = mapped_column(BigInteger)
    total_cost_incl_minor: Mapped[int | None] = mapped_column(BigInteger)  # None: VAT not known
    credit: Mapped[bool] = mapped_column(Boolean)
    credit_reference_id: Mapped[str | None] = mapped_column(ForeignKey("cdrs.id"))
    request_key: Mapped[str | None] = mapped_column(String(255))  # a credit's idempotency key
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # who issued a credit
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

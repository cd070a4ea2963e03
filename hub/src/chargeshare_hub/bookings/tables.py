"""Bookings, the requests that made or changed them, each listing's booking terms, and the fees they cost.

Two bookings of one EVSE whose [starts_at, ends_at) overlap cannot both hold the slot (PENDING or RESERVED):
the database refuses it, whatever code writes the rows. PostgreSQL has an exclusion constraint, declared here
so that the migrated schema and these tables agree; SQLite has triggers (migration 0004), which run inside
the single writer.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, func, text
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime

# The statuses that hold a slot; the guards of both backends spell out the same list.
HOLDING = ("PENDING", "RESERVED")
HOLDING_SQL = "reservation_status IN ('PENDING', 'RESERVED')"


class Booking(Base):
    __tablename__ = "bookings"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="period"),
        Index(None, "evse_row_id", "starts_at"),
        # Stored times are UTC without an offset, so the range is a tsrange: tstzrange would depend on the
        # session's time zone, which an index expression may not.
        ExcludeConstraint(  # type: ignore[no-untyped-call]
            ("evse_row_id", "="),
            (func.tsrange(text("starts_at"), text("ends_at"), text("'[)'")), "&&"),
            name="ex_bookings_no_overlap",
            using="gist",
            where=text(HOLDING_SQL),
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    request_id: Mapped[str] = mapped_column(String(36))  # OCPI: the first request's id, kept across changes
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    evse_row_id: Mapped[int] = mapped_column(ForeignKey("evses.id", ondelete="CASCADE"))
    connector_id: Mapped[str | None] = mapped_column(String(36))
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reservation_status: Mapped[str] = mapped_column(String(10))
    id_tag: Mapped[str] = mapped_column(String(20), unique=True)
    respond_by: Mapped[datetime | None] = mapped_column(UtcDateTime)  # a PENDING booking's host deadline
    cancellation_reason: Mapped[str | None] = mapped_column(String(20))
    who_canceled: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class BookingRequest(Base):
    """One request to make or change a booking (OCPI `booking_requests`), with the period it asked for."""

    __tablename__ = "booking_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    request_status: Mapped[str] = mapped_column(String(10))  # PENDING, ACCEPTED, DECLINED, FAILED
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    request_received: Mapped[datetime] = mapped_column(UtcDateTime)
    respond_by: Mapped[datetime | None] = mapped_column(UtcDateTime)  # while PENDING
    answered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class BookingTermsRow(Base):
    """A listing's booking terms: OCPI 2.3 BookingTerms plus the hub's own rules; absent means the defaults."""

    __tablename__ = "booking_terms"

    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True)
    approval: Mapped[str] = mapped_column(String(15))  # INSTANT or HOST_APPROVAL
    change_until_minutes: Mapped[int] = mapped_column(Integer)
    cancel_until_minutes: Mapped[int] = mapped_column(Integer)
    change_not_allowed: Mapped[bool] = mapped_column(Boolean)
    early_start_allowed: Mapped[bool] = mapped_column(Boolean)
    early_start_time: Mapped[int] = mapped_column(Integer)  # minutes
    noshow_timeout: Mapped[int] = mapped_column(Integer)  # minutes
    noshow_fee: Mapped[bool] = mapped_column(Boolean)
    late_stop_allowed: Mapped[bool] = mapped_column(Boolean)
    late_stop_time: Mapped[int] = mapped_column(Integer)  # minutes
    step_size_minutes: Mapped[int] = mapped_column(Integer)
    min_duration_minutes: Mapped[int] = mapped_column(Integer)
    max_duration_minutes: Mapped[int] = mapped_column(Integer)
    max_days_ahead: Mapped[int] = mapped_column(Integer)
    response_deadline_minutes: Mapped[int] = mapped_column(Integer)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class BookingCharge(Base):
    """A fee a booking transition owes, for the payments ledger to post; a refund is a negative row."""

    __tablename__ = "booking_charges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str] = mapped_column(ForeignKey("bookings.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))  # BOOKING_FEE, NO_SHOW_FEE, LATE_CANCELLATION_FEE
    amount_minor: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    posted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    provider_reference: Mapped[str | None] = mapped_column(String(255))  # the payment that took a fee, if any

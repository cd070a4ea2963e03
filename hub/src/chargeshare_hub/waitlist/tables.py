"""Waiting drivers, and the slots offered to them.

An entry is WAITING, OFFERED (an offer is open), BOOKED (an offer was accepted) or EXPIRED (its window
passed). An offer is OPEN until the driver accepts it (ACCEPTED), lets it run out (LAPSED) or finds it
booked by someone else meanwhile (TAKEN); an entry has at most one open offer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class EntryStatus(StrEnum):
    WAITING = "WAITING"
    OFFERED = "OFFERED"
    BOOKED = "BOOKED"
    EXPIRED = "EXPIRED"


ACTIVE = (EntryStatus.WAITING, EntryStatus.OFFERED)


class OfferStatus(StrEnum):
    OPEN = "OPEN"
    ACCEPTED = "ACCEPTED"
    LAPSED = "LAPSED"
    TAKEN = "TAKEN"


class WaitlistEntry(Base):
    __tablename__ = "waitlist_entries"
    __table_args__ = (
        CheckConstraint("window_to > window_from", name="window"),
        Index(None, "location_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # in the order drivers joined: first come, first offered
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    vehicle_id: Mapped[str | None] = mapped_column(ForeignKey("vehicles.id", ondelete="SET NULL"), index=True)
    window_from: Mapped[datetime] = mapped_column(UtcDateTime)
    window_to: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_minutes: Mapped[int] = mapped_column(Integer)  # the slot to offer, in whole steps of the terms
    energy_wh: Mapped[int | None] = mapped_column(Integer)  # as asked, with a vehicle
    standards: Mapped[list[str]] = mapped_column(JSON)  # connectors the vehicle takes; empty: any
    status: Mapped[str] = mapped_column(String(10))
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class WaitlistOffer(Base):
    __tablename__ = "waitlist_offers"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period"), Index(None, "status", "expires_at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("waitlist_entries.id", ondelete="CASCADE"), index=True)
    evse_row_id: Mapped[int] = mapped_column(ForeignKey("evses.id", ondelete="CASCADE"), index=True)
    connector_id: Mapped[str] = mapped_column(String(36))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    ends_at: Mapped[datetime] = mapped_column(UtcDateTime)
    offered_at: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(10))

"""A listing's rows: the Location, its EVSEs and Connectors, invitations, opening hours and photos.

Short lists of enum values or texts (facilities, capabilities, directions, tariff ids) are JSON columns: they
are always read and written with their parent, never searched on their own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime, utcnow


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    publish: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(255))
    address: Mapped[str] = mapped_column(String(45))
    city: Mapped[str] = mapped_column(String(45))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    state: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str] = mapped_column(String(3))
    latitude: Mapped[str] = mapped_column(String(10))  # OCPI keeps coordinates as decimal strings
    longitude: Mapped[str] = mapped_column(String(11))
    parking_type: Mapped[str | None] = mapped_column(String(20))
    facilities: Mapped[list[str]] = mapped_column(JSON)
    directions: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    operator: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    time_zone: Mapped[str] = mapped_column(String(255))
    twentyfourseven: Mapped[bool | None] = mapped_column(Boolean)  # None: the listing gives no opening times
    charging_when_closed: Mapped[bool | None] = mapped_column(Boolean)
    energy_mix: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)  # OCPI EnergyMix, as sent
    access_instructions: Mapped[str | None] = mapped_column(String(1000))
    house_rules: Mapped[str | None] = mapped_column(String(2000))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)
    # When the host last stood behind the listing (see `health`); stale after listing_stale_days.
    availability_confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stale_reminder_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)  # since confirmed


class Evse(Base):
    __tablename__ = "evses"
    __table_args__ = (UniqueConstraint("location_id", "uid"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)  # the order the host gave
    uid: Mapped[str] = mapped_column(String(36))
    evse_id: Mapped[str | None] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(20))
    status_updated_at: Mapped[datetime] = mapped_column(UtcDateTime)  # whenever `status` is written
    status_live: Mapped[bool] = mapped_column(Boolean)  # reported by Home Assistant, not typed in (see `health`)
    capabilities: Mapped[list[str]] = mapped_column(JSON)
    floor_level: Mapped[str | None] = mapped_column(String(4))
    physical_reference: Mapped[str | None] = mapped_column(String(16))
    parking_restrictions: Mapped[list[str]] = mapped_column(JSON)
    directions: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class Connector(Base):
    __tablename__ = "connectors"
    __table_args__ = (UniqueConstraint("evse_row_id", "connector_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evse_row_id: Mapped[int] = mapped_column(ForeignKey("evses.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    connector_id: Mapped[str] = mapped_column(String(36))  # OCPI's Connector.id
    standard: Mapped[str] = mapped_column(String(30))
    format: Mapped[str] = mapped_column(String(6))
    power_type: Mapped[str] = mapped_column(String(20))
    max_voltage: Mapped[int] = mapped_column(Integer)
    max_amperage: Mapped[int] = mapped_column(Integer)
    max_electric_power: Mapped[int | None] = mapped_column(Integer)
    tariff_ids: Mapped[list[str]] = mapped_column(JSON)
    terms_and_conditions: Mapped[str | None] = mapped_column(String(255))
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)


class LocationInvite(Base):
    """A driver who may see an invite-only listing (OCPI's `publish_allowed_to`, by hub account)."""

    __tablename__ = "location_invites"

    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)


class RegularHours(Base):
    """A weekly opening window in the location's local time; "24:00" ends at midnight."""

    __tablename__ = "location_regular_hours"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)  # 1 = Monday, as OCPI
    period_begin: Mapped[str] = mapped_column(String(5))
    period_end: Mapped[str] = mapped_column(String(5))


class ExceptionalPeriod(Base):
    """A dated opening or closing that overrides the weekly windows."""

    __tablename__ = "location_exceptional_periods"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    is_opening: Mapped[bool] = mapped_column(Boolean)
    period_begin: Mapped[datetime] = mapped_column(UtcDateTime)
    period_end: Mapped[datetime] = mapped_column(UtcDateTime)


class Photo(Base):
    """An uploaded picture; the file lives in `data_dir/photos/` under a random name."""

    __tablename__ = "location_photos"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(20))
    category: Mapped[str] = mapped_column(String(10))
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

"""The search read model: one row per live listing with what a search filters, sorts and shows.

It is derived data, rewritten from the listing, its connectors and its tariffs in the same transaction as every
write to them (see `read_model`), so a search never reads the listing's own tables for the common filters.
The spatial index lives beside it: an R*Tree on SQLite (`spatial`), a GiST index on PostgreSQL (migration 0005).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class SearchEntry(Base):
    __tablename__ = "search_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)  # the R*Tree's row id on SQLite
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"), unique=True)
    host_id: Mapped[int] = mapped_column(Integer)  # who sees it while unpublished (the location's FK cascades)
    publish: Mapped[bool] = mapped_column(Boolean)
    name: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(45))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    time_zone: Mapped[str] = mapped_column(String(255))
    always_open: Mapped[bool] = mapped_column(Boolean)  # 24/7 (or no hours given) and no dated exceptions
    connectors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # distinct (standard, power_type, max_power)
    max_power: Mapped[int] = mapped_column(Integer)  # W, over all connectors; 0 without any
    price_per_kwh: Mapped[int | None] = mapped_column(Integer)  # minor units, the cheapest tariff named
    currency: Mapped[str | None] = mapped_column(String(3))
    rating: Mapped[float | None] = mapped_column(Float)  # mean score, 1 to 5
    rating_count: Mapped[int] = mapped_column(Integer)
    green: Mapped[bool] = mapped_column(Boolean)
    # Per EVSE: {"status", "at" (when written, RFC 3339), "live"}: how old a status is, is decided when searching
    # (see `listings.health`), so a status goes UNKNOWN on time without any row being rewritten.
    evse_states: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    availability_confirmed_at: Mapped[datetime] = mapped_column(UtcDateTime)  # stale listings are left out
    fault_penalty_until: Mapped[datetime | None] = mapped_column(UtcDateTime)  # see `faults.penalty`


class SearchConnector(Base):
    """Per EVSE and connector standard, the most power one such connector gives: "this standard with at least
    this power on one connector" (of an EVSE that is free, when asked) is then one indexed lookup.

    `evse_row_id` has no foreign key: the rows are rewritten with their listing, and a key would make every
    EVSE delete look through this table.
    """

    __tablename__ = "search_connectors"

    entry_id: Mapped[int] = mapped_column(ForeignKey("search_entries.id", ondelete="CASCADE"), primary_key=True)
    evse_row_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    standard: Mapped[str] = mapped_column(String(30), primary_key=True)
    max_power: Mapped[int] = mapped_column(Integer)

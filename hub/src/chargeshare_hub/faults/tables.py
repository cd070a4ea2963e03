"""Fault reports on an EVSE, each with its optional photo; open until the host confirms the fix.

A reporter has at most one open report per EVSE: a partial unique index (on both backends) refuses a second
whatever the code checked before. A report outlives its reporter's account (the reporter becomes unknown), so
the host still sees what to fix.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime

OPEN_SQL = "fixed_at IS NULL"


class FaultReport(Base):
    __tablename__ = "fault_reports"
    __table_args__ = (
        Index(
            "uq_fault_reports_open_per_reporter",
            "evse_row_id",
            "reporter_id",
            unique=True,
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
        Index(None, "location_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    evse_row_id: Mapped[int] = mapped_column(ForeignKey("evses.id", ondelete="CASCADE"), index=True)
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    by_host: Mapped[bool] = mapped_column(Boolean)  # the host reporting a fault of their own charger
    category: Mapped[str] = mapped_column(String(30))
    description: Mapped[str] = mapped_column(String(2000))
    photo_file: Mapped[str | None] = mapped_column(String(64))  # in data_dir/photos, as listing photos
    photo_type: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    fixed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

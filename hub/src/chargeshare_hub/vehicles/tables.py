"""A driver's vehicles. At most one per driver is the default: a partial unique index says so on both backends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class Vehicle(Base):
    __tablename__ = "vehicles"
    __table_args__ = (
        Index(
            "uq_vehicles_owner_id_default",
            "owner_id",
            unique=True,
            sqlite_where=text("is_default"),
            postgresql_where=text("is_default"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    connector_standards: Mapped[list[str]] = mapped_column(JSON)  # OCPI ConnectorType values
    max_ac_power_w: Mapped[int] = mapped_column(Integer)  # the on-board charger, over all its phases
    ac_phases: Mapped[int] = mapped_column(Integer)  # 1 or 3
    max_dc_power_w: Mapped[int | None] = mapped_column(Integer)  # None: the car cannot charge on DC
    usable_battery_wh: Mapped[int | None] = mapped_column(Integer)
    is_default: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)

"""A host's tariff: the accepted OCPI 2.2.1 Tariff object, kept whole as JSON.

The document is read back through `tariffs.ocpi_json` whenever it is priced; only what is filtered on
(owner, removal) has a column of its own.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime


class HostTariff(Base):
    __tablename__ = "tariffs"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # OCPI Tariff.id, unique on the hub
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    currency: Mapped[str] = mapped_column(String(3))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    last_updated: Mapped[datetime] = mapped_column(UtcDateTime)
    removed_at: Mapped[datetime | None] = mapped_column(UtcDateTime, default=None)

"""The event log: every live change the hub pushes, numbered by one sequence across the hub.

The sequence is what a browser resumes from (`Last-Event-ID`), and how each hub process learns what the others
wrote. Rows are kept a day: the log is a push channel, not a record (the listing, the session are).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime

# Big on PostgreSQL (hundreds of statuses a second outrun 2^31 in weeks); SQLite numbers rows with its rowid,
# which only an INTEGER PRIMARY KEY is.
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class HubEvent(Base):
    __tablename__ = "hub_events"
    # AUTOINCREMENT: SQLite never gives a number twice, even once the newest row is gone.
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    # public: anyone; private: only `user_ids`; internal: for the hub's processes, never sent to a browser
    audience: Mapped[str] = mapped_column(String(8))
    user_ids: Mapped[list[int]] = mapped_column(JSON)
    location_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)

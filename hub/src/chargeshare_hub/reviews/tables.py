"""Reviews: one per fulfilled booking and direction, with the host's reply to a driver's review.

A driver's review (author_role DRIVER) rates the charger (`score`) and may rate its host (`host_score`); it is
public with the listing. A host's review (HOST) rates the driver; hosts the driver books with may read it.
The author is nullable: a review outlives its author's account (the other party and the listing's score
rest on it), shown as by a deleted user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime

COMMENT_MAX = 2000


class Review(Base):
    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("booking_id", "author_role"),
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        CheckConstraint("host_score IS NULL OR host_score BETWEEN 1 AND 5", name="host_score"),
        CheckConstraint("author_role IN ('DRIVER', 'HOST')", name="author_role"),
        Index(None, "location_id", "author_role", "id"),
        Index(None, "subject_id", "author_role", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    booking_id: Mapped[str | None] = mapped_column(ForeignKey("bookings.id", ondelete="SET NULL"))
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    author_role: Mapped[str] = mapped_column(String(6))
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))  # the host or the driver
    score: Mapped[int] = mapped_column(Integer)  # 1 to 5: the charger, or the driver
    host_score: Mapped[int | None] = mapped_column(Integer)  # 1 to 5, a driver's review only
    comment: Mapped[str | None] = mapped_column(String(COMMENT_MAX))
    checkin_status: Mapped[int | None] = mapped_column(Integer)  # Open Charge Map CheckinStatusType id
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)
    reply: Mapped[str | None] = mapped_column(String(COMMENT_MAX))  # the host's, to a driver's review
    replied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reply_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

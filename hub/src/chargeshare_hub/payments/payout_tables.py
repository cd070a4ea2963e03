"""Host payouts, and the drivers' disputes of charges that hold them back.

A payout is what the platform owed a host in one currency when a payout run paid it: its ledger posting moved
that much from the host's payable to the processor's clearing account in the run's transaction. It is PENDING
until the money has left (with the built-in wallet provider an admin transfers it by bank and marks it PAID).
Its id is chosen before the row is written, so that the posting's reference (`payout:<id>`) and the row's
`posting_id` are both known when each is written: neither is ever missing, nor edited in afterwards.

A dispute is a driver's objection to a CDR's charge. While it is OPEN, the host's payouts wait; it is RESOLVED
by the host or an admin, with a refund (a credit CDR) or without one. A CDR has at most one OPEN dispute, which
a partial unique index guarantees on both backends whatever the code checked before.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime
from ..ledger.tables import SEQUENCE


class PayoutStatus(StrEnum):
    PENDING = "PENDING"
    PAID = "PAID"


class DisputeStatus(StrEnum):
    OPEN = "OPEN"
    RESOLVED = "RESOLVED"


class DisputeOutcome(StrEnum):
    REFUNDED = "refunded"
    REJECTED = "rejected"


def _values_sql(values: type[StrEnum]) -> str:
    return ", ".join(f"'{value.value}'" for value in values)


OPEN_SQL = "status = 'OPEN'"
# An OPEN dispute has no outcome; a RESOLVED one has its outcome, its resolver and its time.
RESOLVED_SQL = (
    "(status = 'OPEN') = (outcome IS NULL) AND (outcome IS NULL) = (resolved_by IS NULL)"
    " AND (outcome IS NULL) = (resolved_at IS NULL)"
)
TRANSFER_REFERENCE_MAX, REASON_MAX, NOTE_MAX = 255, 2000, 200


class Payout(Base):
    __tablename__ = "payouts"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount"),
        CheckConstraint(f"status IN ({_values_sql(PayoutStatus)})", name="status"),
        CheckConstraint("(status = 'PAID') = (paid_at IS NOT NULL)", name="paid"),
        Index(None, "host_id", "created_at"),  # a host's payouts, newest first
        Index(None, "status", "created_at"),  # the admins' list of those still to transfer
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # a UUID
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    batch: Mapped[str] = mapped_column(String(20))  # the run that made it: its time, e.g. 20240110T110000Z
    posting_id: Mapped[int] = mapped_column(SEQUENCE, ForeignKey("ledger_postings.id"), unique=True)
    status: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    paid_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    transfer_reference: Mapped[str | None] = mapped_column(String(TRANSFER_REFERENCE_MAX))  # e.g. the bank's


class PaymentDispute(Base):
    __tablename__ = "payment_disputes"
    __table_args__ = (
        CheckConstraint(f"status IN ({_values_sql(DisputeStatus)})", name="status"),
        CheckConstraint(f"outcome IN ({_values_sql(DisputeOutcome)})", name="outcome"),
        CheckConstraint(RESOLVED_SQL, name="resolved"),
        CheckConstraint("(refund_cdr_id IS NOT NULL) = (outcome IS NOT NULL AND outcome = 'refunded')", name="refund"),
        Index(
            "uq_payment_disputes_open_cdr_id",
            "cdr_id",
            unique=True,
            sqlite_where=text(OPEN_SQL),
            postgresql_where=text(OPEN_SQL),
        ),
        Index(None, "host_id", "status"),  # the hosts a payout run holds back, and a host's disputes
        Index(None, "driver_id"),
        Index(None, "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cdr_id: Mapped[str] = mapped_column(ForeignKey("cdrs.id"))
    driver_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    host_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str | None] = mapped_column(String(8))
    refund_cdr_id: Mapped[str | None] = mapped_column(ForeignKey("cdrs.id"))  # the credit CDR of a refund
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(NOTE_MAX))  # the resolver's word to the driver
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

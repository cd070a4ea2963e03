"""The ledger's accounts, postings (one journal transaction each) and entries (one line of a posting).

Postings and entries are append-only, and so are accounts: triggers of migration 0014 refuse every UPDATE and
DELETE on the three tables, on both backends, so no code path can edit money; a correction is a reversal.
Nothing cascades: an account deletion keeps the money records, like CDRs, under the anonymised account.

Each entry carries its account's running balance after it (`balance_after`, debit-positive like `amount`),
written while the account is locked, so a balance is one index lookup (the newest entry on (account_id, id))
however long the history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base, UtcDateTime
from .kinds import KINDS_SQL, PLATFORM_KINDS_SQL

# Big on PostgreSQL (entries outrun 2^31 on a busy hub); SQLite numbers rows with its rowid, which only an INTEGER
# PRIMARY KEY is.
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")
PLATFORM_SQL = "owner_id IS NULL"


class LedgerAccount(Base):
    __tablename__ = "ledger_accounts"
    __table_args__ = (
        CheckConstraint(f"kind IN ({KINDS_SQL})", name="kind"),
        CheckConstraint(f"(owner_id IS NULL) = (kind IN ({PLATFORM_KINDS_SQL}))", name="owner"),
        CheckConstraint("length(currency) = 3 AND upper(currency) = currency", name="currency"),
        # Unique per user, kind and currency; NULL owners are never equal in a unique constraint, so the
        # platform's accounts (one per kind and currency) have an index of their own.
        Index("uq_ledger_accounts_owner_id_kind_currency", "owner_id", "kind", "currency", unique=True),
        Index(
            "uq_ledger_accounts_platform_kind_currency",
            "kind",
            "currency",
            unique=True,
            sqlite_where=text(PLATFORM_SQL),
            postgresql_where=text(PLATFORM_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # an AccountKind
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the platform's
    currency: Mapped[str] = mapped_column(String(3))  # ISO 4217
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class LedgerPosting(Base):
    __tablename__ = "ledger_postings"

    id: Mapped[int] = mapped_column(SEQUENCE, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # what happened, e.g. "wallet.top_up", "cdr.capture"
    memo: Mapped[str | None] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(80), index=True)  # e.g. "booking:<id>", "cdr:<id>"
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Unique: a posting is reversed at most once, whatever the code checked before.
    reversal_of: Mapped[int | None] = mapped_column(ForeignKey("ledger_postings.id"), unique=True)


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount"),
        Index(None, "account_id", "id"),  # the balance (the newest entry) and history pages, newest first
    )

    id: Mapped[int] = mapped_column(SEQUENCE, primary_key=True)
    posting_id: Mapped[int] = mapped_column(ForeignKey("ledger_postings.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("ledger_accounts.id"))
    amount: Mapped[int] = mapped_column(BigInteger)  # minor units, a debit positive
    balance_after: Mapped[int] = mapped_column(BigInteger)  # the account's sum of amounts up to this entry

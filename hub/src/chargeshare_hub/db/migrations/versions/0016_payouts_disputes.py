"""Host payouts, and drivers' disputes of charges (at most one open per CDR).

Revision ID: 0016_payouts_disputes
Revises: 0015_payments
Create Date: 2026-11-24
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0016_payouts_disputes"
down_revision = "0015_payments"
branch_labels = None
depends_on = None

_SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OPEN = sa.text("status = 'OPEN'")
_RESOLVED = (
    "(status = 'OPEN') = (outcome IS NULL) AND (outcome IS NULL) = (resolved_by IS NULL)"
    " AND (outcome IS NULL) = (resolved_at IS NULL)"
)


def upgrade() -> None:
    op.create_table(
        "payouts",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("batch", sa.String(20), nullable=False),
        sa.Column("posting_id", _SEQUENCE, nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("paid_at", UtcDateTime(), nullable=True),
        sa.Column("transfer_reference", sa.String(255), nullable=True),
        # op.f: a check constraint's name is final as given; the naming convention would prefix it again.
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payouts_amount")),
        sa.CheckConstraint("status IN ('PENDING', 'PAID')", name=op.f("ck_payouts_status")),
        sa.CheckConstraint("(status = 'PAID') = (paid_at IS NOT NULL)", name=op.f("ck_payouts_paid")),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name="fk_payouts_host_id_users"),
        sa.ForeignKeyConstraint(["posting_id"], ["ledger_postings.id"], name="fk_payouts_posting_id_ledger_postings"),
        sa.PrimaryKeyConstraint("id", name="pk_payouts"),
        sa.UniqueConstraint("posting_id", name="uq_payouts_posting_id"),
    )
    op.create_index("ix_payouts_host_id_created_at", "payouts", ["host_id", "created_at"])
    op.create_index("ix_payouts_status_created_at", "payouts", ["status", "created_at"])
    op.create_table(
        "payment_disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cdr_id", sa.String(39), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("outcome", sa.String(8), nullable=True),
        sa.Column("refund_cdr_id", sa.String(39), nullable=True),
        sa.Column("resolved_by", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint("status IN ('OPEN', 'RESOLVED')", name=op.f("ck_payment_disputes_status")),
        sa.CheckConstraint("outcome IN ('refunded', 'rejected')", name=op.f("ck_payment_disputes_outcome")),
        sa.CheckConstraint(_RESOLVED, name=op.f("ck_payment_disputes_resolved")),
        sa.CheckConstraint(
            "(refund_cdr_id IS NOT NULL) = (outcome IS NOT NULL AND outcome = 'refunded')",
            name=op.f("ck_payment_disputes_refund"),
        ),
        sa.ForeignKeyConstraint(["cdr_id"], ["cdrs.id"], name="fk_payment_disputes_cdr_id_cdrs"),
        sa.ForeignKeyConstraint(["driver_id"], ["users.id"], name="fk_payment_disputes_driver_id_users"),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name="fk_payment_disputes_host_id_users"),
        sa.ForeignKeyConstraint(["refund_cdr_id"], ["cdrs.id"], name="fk_payment_disputes_refund_cdr_id_cdrs"),
        sa.ForeignKeyConstraint(["resolved_by"], ["users.id"], name="fk_payment_disputes_resolved_by_users"),
        sa.PrimaryKeyConstraint("id", name="pk_payment_disputes"),
    )
    op.create_index(
        "uq_payment_disputes_open_cdr_id",
        "payment_disputes",
        ["cdr_id"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )
    op.create_index("ix_payment_disputes_host_id_status", "payment_disputes", ["host_id", "status"])
    op.create_index("ix_payment_disputes_driver_id", "payment_disputes", ["driver_id"])
    op.create_index("ix_payment_disputes_status", "payment_disputes", ["status"])


def downgrade() -> None:
    op.drop_table("payment_disputes")
    op.drop_table("payouts")

"""Payment holds: the money reserved for a booking before its slot, and what became of it.

Revision ID: 0015_payments
Revises: 0014_ledger
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0015_payments"
down_revision = "0014_ledger"
branch_labels = None
depends_on = None

_STATUSES = "'HELD', 'CAPTURED', 'VOIDED', 'RELEASED', 'REFUSED'"


def upgrade() -> None:
    op.create_table(
        "payment_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(20), nullable=False),
        sa.Column("provider_reference", sa.String(255), nullable=True),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("captured_minor", sa.BigInteger(), nullable=True),
        sa.Column("uncollected_minor", sa.BigInteger(), nullable=True),
        sa.Column("cdr_id", sa.String(39), nullable=True),
        sa.Column("placed_at", UtcDateTime(), nullable=False),
        sa.Column("settled_at", UtcDateTime(), nullable=True),
        sa.CheckConstraint(f"status IN ({_STATUSES})", name="ck_payment_holds_status"),
        sa.CheckConstraint(
            "amount_minor >= 0 AND (captured_minor IS NULL OR captured_minor <= amount_minor)",
            name="ck_payment_holds_amount",
        ),
        sa.ForeignKeyConstraint(["booking_id"], ["bookings.id"], name="fk_payment_holds_booking_id_bookings"),
        sa.ForeignKeyConstraint(["driver_id"], ["users.id"], name="fk_payment_holds_driver_id_users"),
        sa.ForeignKeyConstraint(["cdr_id"], ["cdrs.id"], name="fk_payment_holds_cdr_id_cdrs"),
        sa.PrimaryKeyConstraint("id", name="pk_payment_holds"),
        sa.UniqueConstraint("booking_id", name="uq_payment_holds_booking_id"),
    )
    op.create_index("ix_payment_holds_driver_id_currency_status", "payment_holds", ["driver_id", "currency", "status"])
    op.create_index("ix_payment_holds_status", "payment_holds", ["status"])


def downgrade() -> None:
    op.drop_table("payment_holds")

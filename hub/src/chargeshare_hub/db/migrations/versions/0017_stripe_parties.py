"""Who pays whom at Stripe: a driver's saved card, a host's Connect account.

Revision ID: 0017_stripe_parties
Revises: 0016_payouts_disputes
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0017_stripe_parties"
down_revision = "0016_payouts_disputes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stripe_parties",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.String(255), nullable=True),
        sa.Column("payment_method_id", sa.String(255), nullable=True),
        sa.Column("connected_account_id", sa.String(255), nullable=True),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        # op.f: a check constraint's name is final as given; the naming convention would prefix it again.
        sa.CheckConstraint("(customer_id IS NULL) = (payment_method_id IS NULL)", name=op.f("ck_stripe_parties_card")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_stripe_parties_user_id_users"),
        sa.PrimaryKeyConstraint("user_id", name="pk_stripe_parties"),
    )


def downgrade() -> None:
    op.drop_table("stripe_parties")

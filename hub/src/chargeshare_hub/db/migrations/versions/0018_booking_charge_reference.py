"""The provider's reference for the payment that took a booking or no-show fee (a Stripe PaymentIntent), so that
the fee's refund gives that payment back.

Revision ID: 0018_booking_charge_reference
Revises: 0017_stripe_parties
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0018_booking_charge_reference"
down_revision = "0017_stripe_parties"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("booking_charges") as batch:
        batch.add_column(sa.Column("provider_reference", sa.String(255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("booking_charges") as batch:
        batch.drop_column("provider_reference")

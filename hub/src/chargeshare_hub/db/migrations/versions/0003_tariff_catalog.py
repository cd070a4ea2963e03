"""Tariffs: a host's OCPI tariffs.

Revision ID: 0003_tariff_catalog
Revises: 0002_listings
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0003_tariff_catalog"
down_revision = "0002_listings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tariffs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("last_updated", UtcDateTime(), nullable=False),
        sa.Column("removed_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name=op.f("fk_tariffs_host_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tariffs")),
    )
    op.create_index(op.f("ix_tariffs_host_id"), "tariffs", ["host_id"])


def downgrade() -> None:
    op.drop_table("tariffs")

"""Messages about bookings and support requests.

Revision ID: 0011_conversations
Revises: 0010_smart_booking
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0011_conversations"
down_revision = "0010_smart_booking"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "booking_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("sender_role", sa.String(6), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_booking_messages_booking_id_bookings", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["users.id"], name="fk_booking_messages_sender_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_booking_messages"),
    )
    op.create_index("ix_booking_messages_booking_id_created_at", "booking_messages", ["booking_id", "created_at"])
    op.create_index("ix_booking_messages_sender_id", "booking_messages", ["sender_id"])
    op.create_table(
        "support_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=True),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["requester_id"], ["users.id"], name="fk_support_requests_requester_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_support_requests_booking_id_bookings", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_support_requests"),
    )
    op.create_index("ix_support_requests_requester_id_id", "support_requests", ["requester_id", "id"])
    op.create_index("ix_support_requests_status_id", "support_requests", ["status", "id"])
    op.create_index("ix_support_requests_booking_id", "support_requests", ["booking_id"])
    op.create_table(
        "support_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("from_staff", sa.Boolean(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["support_requests.id"],
            name="fk_support_replies_request_id_support_requests",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name="fk_support_replies_author_id_users", ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_support_replies"),
    )
    op.create_index("ix_support_replies_request_id_id", "support_replies", ["request_id", "id"])
    op.create_index("ix_support_replies_author_id", "support_replies", ["author_id"])


def downgrade() -> None:
    op.drop_table("support_replies")
    op.drop_table("support_requests")
    op.drop_table("booking_messages")

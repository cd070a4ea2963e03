"""The hub link: up messages applied, down messages waiting for their ack, remote commands, sharing, the event log.

Revision ID: 0013_link
Revises: 0012_privacy
Create Date: 2026-11-21
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

from chargeshare_hub.db.base import UtcDateTime

revision = "0013_link"
down_revision = "0012_privacy"
branch_labels = None
depends_on = None

_SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hub_events",
        sa.Column("seq", _SEQUENCE, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("audience", sa.String(8), nullable=False),
        sa.Column("user_ids", sa.JSON(), nullable=False),
        sa.Column("location_id", sa.String(36), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_hub_events"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_hub_events_created_at", "hub_events", ["created_at"])
    op.create_table(
        "link_received",
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.String(64), nullable=False),
        sa.Column("applied_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name="fk_link_received_host_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("host_id", "message_id", name="pk_link_received"),
    )
    op.create_index("ix_link_received_applied_at", "link_received", ["applied_at"])
    op.create_table(
        "link_outbox",
        sa.Column("seq", _SEQUENCE, nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("acked_at", UtcDateTime(), nullable=True),
        sa.Column("refusal", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name="fk_link_outbox_host_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("seq", name="pk_link_outbox"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_link_outbox_host_id_acked_at", "link_outbox", ["host_id", "acked_at"])
    op.create_table(
        "link_commands",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("booking_id", sa.String(36), nullable=False),
        sa.Column("driver_id", sa.Integer(), nullable=False),
        sa.Column("host_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(5), nullable=False),
        sa.Column("session_id", sa.String(36), nullable=True),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("message", sa.String(300), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booking_id"], ["bookings.id"], name="fk_link_commands_booking_id_bookings", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["driver_id"], ["users.id"], name="fk_link_commands_driver_id_users", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["host_id"], ["users.id"], name="fk_link_commands_host_id_users", ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name="pk_link_commands"),
    )
    for column in ("booking_id", "driver_id", "host_id"):
        op.create_index(f"ix_link_commands_{column}", "link_commands", [column])
    op.create_table(
        "link_sharing",
        sa.Column("location_id", sa.String(36), nullable=False),
        sa.Column("sharing", sa.Boolean(), nullable=False),
        sa.Column("windows", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("reported", sa.JSON(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"], ["locations.id"], name="fk_link_sharing_location_id_locations", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("location_id", name="pk_link_sharing"),
    )


def downgrade() -> None:
    op.drop_table("link_sharing")
    op.drop_table("link_commands")
    op.drop_table("link_outbox")
    op.drop_table("link_received")
    op.drop_table("hub_events")
